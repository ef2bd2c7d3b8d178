#include "keystore/certificate_chain.h"

#include <openssl/x509.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

struct Made {
  X509Ptr certificate;
  std::string pem;
  std::string der;
};

Made MakeCertificate(const testing::CertificateOptions& options) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
  EXPECT_THAT(key, IsOk());
  absl::StatusOr<X509Ptr> certificate =
      testing::SelfSignedCertificate(key->get(), options);
  EXPECT_THAT(certificate, IsOk());
  Made out;
  out.pem = testing::CertificatePem(certificate->get()).value();
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate->get(), &der);
  out.der.assign(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  out.certificate = *std::move(certificate);
  return out;
}

TEST(CertificateChainTest, KeepsOrderAndDer) {
  Made leaf = MakeCertificate({});
  Made issuer = MakeCertificate({});
  absl::StatusOr<CertificateChain> chain = ParseCertificateChainPem(
      "leading text\n" + leaf.pem + "between\n" + issuer.pem, "c.crt");
  ASSERT_THAT(chain, IsOk());
  ASSERT_EQ(chain->certificates.size(), 2u);
  EXPECT_THAT(chain->der, ElementsAre(leaf.der, issuer.der));
  EXPECT_EQ(X509_cmp(chain->certificates[0].get(), leaf.certificate.get()), 0);
}

TEST(CertificateChainTest, ErrorsNameTheFile) {
  Made leaf = MakeCertificate({});
  EXPECT_THAT(ParseCertificateChainPem("", "dir/c.crt"),
              StatusIs(kFailed, HasSubstr("dir/c.crt: no PEM certificate")));
  EXPECT_THAT(ParseCertificateChainPem("hello", "dir/c.crt"),
              StatusIs(kFailed, HasSubstr("dir/c.crt: no PEM certificate")));
  const std::string truncated = leaf.pem.substr(0, leaf.pem.size() - 30);
  EXPECT_THAT(
      ParseCertificateChainPem(leaf.pem + truncated, "dir/c.crt"),
      StatusIs(kFailed, HasSubstr("dir/c.crt: corrupt certificate number 2")));
  std::string corrupt = leaf.pem;
  corrupt[100] = '!';
  EXPECT_THAT(
      ParseCertificateChainPem(corrupt, "dir/c.crt"),
      StatusIs(kFailed, HasSubstr("dir/c.crt: corrupt certificate number 1")));
}

TEST(CertificateChainTest, HostNamesFromDnsSansLowercased) {
  testing::CertificateOptions options;
  options.common_name = "ignored.example";
  options.dns_names = {"WWW.Example.COM", "*.example.com"};
  Made made = MakeCertificate(options);
  absl::StatusOr<LeafFacts> facts = DescribeLeaf(made.certificate.get(), "c");
  ASSERT_THAT(facts, IsOk());
  EXPECT_THAT(facts->host_names,
              ElementsAre("www.example.com", "*.example.com"));
}

TEST(CertificateChainTest, CommonNameOnlyWithoutDnsSans) {
  testing::CertificateOptions options;
  options.common_name = "Legacy.Example.com";
  EXPECT_THAT(
      DescribeLeaf(MakeCertificate(options).certificate.get(), "c")->host_names,
      ElementsAre("legacy.example.com"));
  options.common_name = "Keyward Test Server";  // not a host name
  EXPECT_THAT(
      DescribeLeaf(MakeCertificate(options).certificate.get(), "c")->host_names,
      IsEmpty());
}

TEST(CertificateChainTest, Validity) {
  testing::CertificateOptions options;
  options.not_before = absl::FromUnixSeconds(1700000000);
  options.not_after = absl::FromUnixSeconds(1800000000);
  absl::StatusOr<LeafFacts> facts =
      DescribeLeaf(MakeCertificate(options).certificate.get(), "c");
  ASSERT_THAT(facts, IsOk());
  EXPECT_EQ(facts->not_before, options.not_before);
  EXPECT_EQ(facts->not_after, options.not_after);
}

}  // namespace
}  // namespace keyward::keystore
