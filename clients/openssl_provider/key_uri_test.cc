#include "clients/openssl_provider/key_uri.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace keyward::provider {
namespace {

constexpr char kId[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(ParseKeyUriTest, ReadsEachSelector) {
  absl::StatusOr<v1::KeySelector> id =
      ParseKeyUri(std::string("keyward:id=") + kId);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->key_id(), kId);

  absl::StatusOr<v1::KeySelector> upper = ParseKeyUri(
      "KEYWARD:id="
      "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(upper->key_id(), kId);

  absl::StatusOr<v1::KeySelector> host =
      ParseKeyUri("keyward:host=rsa-2048.dev.keyward.test");
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_EQ(host->server_name(), "rsa-2048.dev.keyward.test");

  absl::StatusOr<v1::KeySelector> cert =
      ParseKeyUri(std::string("keyward:cert-sha256=") + kId);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(cert->certificate_sha256(), absl::HexStringToBytes(kId));
}

TEST(ParseKeyUriTest, RefusesMalformedUris) {
  for (const char* uri : {
           "",
           "file:/etc/key.pem",
           "keyward",
           "keyward:",
           "keyward:rsa-2048",
           "keyward:host=",
           "keyward:name=rsa-2048",
           "keyward:id=0011",
           "keyward:id=zz112233445566778899aabbccddeeff00112233445566778899a"
           "abbccddeeff",
           "keyward:cert-sha256=abc",
       }) {
    absl::StatusOr<v1::KeySelector> parsed = ParseKeyUri(uri);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << uri;
  }
}

}  // namespace
}  // namespace keyward::provider
