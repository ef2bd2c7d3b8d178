#include "keystore/private_key_pem.h"

#include <openssl/evp.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                             text.size());
}

handshake::SecretBytes Secret(absl::string_view text) {
  return handshake::SecretBytes(text.begin(), text.end());
}

// Decoded keys must equal the original, private half included.
void ExpectSameKey(const absl::StatusOr<EvpPkeyPtr>& decoded,
                   EVP_PKEY* original) {
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(decoded->get(), original), 1);
  absl::StatusOr<std::string> again = testing::Pkcs8Pem(decoded->get());
  absl::StatusOr<std::string> expected = testing::Pkcs8Pem(original);
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*again, *expected);
}

class PrivateKeyPemTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PrivateKeyPemTest, DecodesPkcs8TraditionalAndEncrypted) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(GetParam());
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<std::string> pkcs8 = testing::Pkcs8Pem(key->get());
  ASSERT_THAT(pkcs8, IsOk());
  EXPECT_THAT(*pkcs8, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  ExpectSameKey(ParsePrivateKeyPem(Bytes(*pkcs8), nullptr, "k"), key->get());

  // PKCS#1 for RSA, SEC1 for EC; Ed25519 has only PKCS#8 (RFC 8410).
  if (!EVP_PKEY_is_a(key->get(), "ED25519")) {
    absl::StatusOr<std::string> traditional =
        testing::TraditionalPem(key->get());
    ASSERT_THAT(traditional, IsOk());
    ExpectSameKey(ParsePrivateKeyPem(Bytes(*traditional), nullptr, "k"),
                  key->get());
  }

  absl::StatusOr<std::string> encrypted =
      testing::EncryptedPkcs8Pem(key->get(), "correct horse");
  ASSERT_THAT(encrypted, IsOk());
  EXPECT_THAT(*encrypted, HasSubstr("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  const handshake::SecretBytes passphrase = Secret("correct horse");
  ExpectSameKey(ParsePrivateKeyPem(Bytes(*encrypted), &passphrase, "k"),
                key->get());
  // A passphrase configured for an unencrypted key is not needed; fine.
  ExpectSameKey(ParsePrivateKeyPem(Bytes(*pkcs8), &passphrase, "k"),
                key->get());
}

INSTANTIATE_TEST_SUITE_P(Kinds, PrivateKeyPemTest,
                         ::testing::Values("rsa-2048", "p256", "p384",
                                           "ed25519"));

TEST(PrivateKeyPemTest, TraditionalHeaders) {
  absl::StatusOr<EvpPkeyPtr> rsa = testing::GenerateKey("rsa-2048");
  absl::StatusOr<EvpPkeyPtr> ec = testing::GenerateKey("p256");
  ASSERT_THAT(rsa, IsOk());
  ASSERT_THAT(ec, IsOk());
  EXPECT_THAT(testing::TraditionalPem(rsa->get()).value(),
              HasSubstr("-----BEGIN RSA PRIVATE KEY-----"));
  EXPECT_THAT(testing::TraditionalPem(ec->get()).value(),
              HasSubstr("-----BEGIN EC PRIVATE KEY-----"));
}

class EncryptedKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
    ASSERT_THAT(key, IsOk());
    absl::StatusOr<std::string> pem =
        testing::EncryptedPkcs8Pem(key->get(), "right");
    ASSERT_THAT(pem, IsOk());
    pem_ = *pem;
  }
  std::string pem_;
};

TEST_F(EncryptedKeyTest, WrongPassphraseIsNamed) {
  const handshake::SecretBytes wrong = Secret("wrong");
  EXPECT_THAT(ParsePrivateKeyPem(Bytes(pem_), &wrong, "dir/k.key"),
              StatusIs(kFailed, HasSubstr("dir/k.key: cannot decrypt the "
                                          "private key: wrong passphrase")));
}

TEST_F(EncryptedKeyTest, MissingPassphraseIsNamed) {
  EXPECT_THAT(
      ParsePrivateKeyPem(Bytes(pem_), nullptr, "dir/k.key"),
      StatusIs(kFailed, HasSubstr("dir/k.key: the private key is encrypted "
                                  "and no passphrase is configured")));
}

TEST_F(EncryptedKeyTest, OverlongPassphraseIsRefused) {
  const handshake::SecretBytes long_passphrase(5000, 'p');
  EXPECT_THAT(ParsePrivateKeyPem(Bytes(pem_), &long_passphrase, "dir/k.key"),
              StatusIs(kFailed, HasSubstr("dir/k.key: the passphrase is "
                                          "longer than OpenSSL accepts")));
}

TEST(PrivateKeyPemTest, GarbageTruncatedAndEmptyInputsAreNamed) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
  ASSERT_THAT(key, IsOk());
  const std::string pem = testing::Pkcs8Pem(key->get()).value();
  for (const std::string& bad :
       {std::string("not a key at all\n"), pem.substr(0, pem.size() / 2),
        pem.substr(0, pem.size() - 10),
        std::string("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE "
                    "KEY-----\n")}) {
    EXPECT_THAT(ParsePrivateKeyPem(Bytes(bad), nullptr, "dir/k.key"),
                StatusIs(kFailed, HasSubstr("dir/k.key: no readable private "
                                            "key")));
  }
  EXPECT_THAT(ParsePrivateKeyPem({}, nullptr, "dir/k.key"),
              StatusIs(kFailed, HasSubstr("dir/k.key: empty")));
}

TEST(PrivateKeyPemTest, ACertificateIsNoKey) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<X509Ptr> certificate =
      testing::SelfSignedCertificate(key->get(), {});
  ASSERT_THAT(certificate, IsOk());
  const std::string pem = testing::CertificatePem(certificate->get()).value();
  EXPECT_THAT(ParsePrivateKeyPem(Bytes(pem), nullptr, "c.pem"),
              StatusIs(kFailed, HasSubstr("c.pem: no readable private key")));
}

}  // namespace
}  // namespace keyward::keystore
