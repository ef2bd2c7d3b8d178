#include "keystore/host_name.h"

#include "gtest/gtest.h"

namespace keyward::keystore {
namespace {

TEST(HostNameTest, WildcardReplacesTheLeftmostLabel) {
  EXPECT_EQ(WildcardNameFor("www.example.com"), "*.example.com");
  EXPECT_EQ(WildcardNameFor("a.b.example.com"), "*.b.example.com");
}

TEST(HostNameTest, NoWildcardForTopLevelDomainsOrEmptyLabels) {
  EXPECT_EQ(WildcardNameFor("example.com"), "");
  EXPECT_EQ(WildcardNameFor("localhost"), "");
  EXPECT_EQ(WildcardNameFor(".example.com"), "");
  EXPECT_EQ(WildcardNameFor("a..com"), "");
  EXPECT_EQ(WildcardNameFor(""), "");
}

TEST(HostNameTest, Covers) {
  EXPECT_TRUE(CertificateNameCovers("www.example.com", "www.example.com"));
  EXPECT_TRUE(CertificateNameCovers("*.example.com", "www.example.com"));
  EXPECT_FALSE(CertificateNameCovers("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(CertificateNameCovers("*.example.com", "example.com"));
  EXPECT_FALSE(CertificateNameCovers("*.com", "example.com"));
  EXPECT_FALSE(CertificateNameCovers("www.example.com", "example.com"));
  EXPECT_FALSE(CertificateNameCovers("w*.example.com", "www.example.com"));
}

}  // namespace
}  // namespace keyward::keystore
