#include "keystore/sign_request.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

TEST(SignRequestTest, SchemeMustBeKnownAndFitTheKey) {
  EXPECT_THAT(CheckSchemeForKey(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                                v1::KEY_ALGORITHM_RSA),
              IsOk());
  EXPECT_THAT(CheckSchemeForKey(v1::SIGNATURE_SCHEME_UNSPECIFIED,
                                v1::KEY_ALGORITHM_RSA),
              StatusIs(kInvalid, HasSubstr("scheme: unspecified or unknown")));
  EXPECT_THAT(CheckSchemeForKey(static_cast<v1::SignatureScheme>(4242),
                                v1::KEY_ALGORITHM_RSA),
              StatusIs(kInvalid, HasSubstr("4242")));
  EXPECT_THAT(
      CheckSchemeForKey(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
                        v1::KEY_ALGORITHM_ECDSA_P256),
      StatusIs(kFailed, HasSubstr("ECDSA_SECP384R1_SHA384 does not fit a "
                                  "KEY_ALGORITHM_ECDSA_P256 key")));
}

TEST(SignRequestTest, DigestsHaveTheSchemesLength) {
  EXPECT_THAT(CheckDigestRequest(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
                                 v1::KEY_ALGORITHM_RSA, std::string(36, 'd')),
              IsOk());
  EXPECT_THAT(CheckDigestRequest(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
                                 v1::KEY_ALGORITHM_RSA, std::string(32, 'd')),
              StatusIs(kInvalid, HasSubstr("digest: 32 bytes; "
                                           "SIGNATURE_SCHEME_RSA_PKCS1_SHA384 "
                                           "needs exactly 48")));
  EXPECT_THAT(
      CheckDigestRequest(v1::SIGNATURE_SCHEME_ED25519,
                         v1::KEY_ALGORITHM_ED25519, std::string(32, 'd')),
      StatusIs(kFailed, HasSubstr("use SignMessage")));
}

TEST(SignRequestTest, MessagesAreHashedWithTheSchemesHash) {
  absl::StatusOr<std::string> digest =
      DigestOfMessage(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                      v1::KEY_ALGORITHM_ECDSA_P256, "abc");
  ASSERT_THAT(digest, IsOk());
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(*digest,
            std::string("\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d"
                        "\xae\x22\x23\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10"
                        "\xff\x61\xf2\x00\x15\xad",
                        32));
  EXPECT_THAT(DigestOfMessage(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
                              v1::KEY_ALGORITHM_RSA, "m"),
              StatusIs(kFailed, HasSubstr("digests only")));
  EXPECT_THAT(DigestOfMessage(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
                              v1::KEY_ALGORITHM_ED25519, "m"),
              StatusIs(kFailed, HasSubstr("does not fit")));
}

}  // namespace
}  // namespace keyward::keystore
