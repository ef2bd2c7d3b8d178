#include "service/signing.h"

#include <openssl/evp.h>

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/testing/fake_private_key.h"

namespace keyward::service {
namespace {

using testing::FakePrivateKey;

const std::string kEcdhParams =
    std::string("\x03\x00\x1d\x20", 4) + std::string(32, 'p');

std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out, &length, md, nullptr), 1);
  return std::string(reinterpret_cast<char*>(out), length);
}

v1::SignRequest Request(v1::SignatureScheme scheme) {
  v1::SignRequest request;
  request.mutable_key()->set_key_id(std::string(64, 'a'));
  request.set_scheme(scheme);
  return request;
}

v1::SignRequest Tls12Request(v1::SignatureScheme scheme) {
  v1::SignRequest request = Request(scheme);
  auto* ske = request.mutable_tls12_server_key_exchange();
  ske->set_client_random(std::string(32, 'c'));
  ske->set_server_random(std::string(32, 's'));
  ske->set_server_params(kEcdhParams);
  return request;
}

TEST(SigningTest, Tls13CertificateVerifySignsTheRfc8446Content) {
  FakePrivateKey key;
  v1::SignRequest request = Request(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
  const std::string hash(48, '\x7e');
  request.mutable_tls13_certificate_verify()->set_transcript_hash(hash);
  absl::StatusOr<std::string> signature =
      SignWithKey(key, request, CallGuard::Unbounded());
  ASSERT_TRUE(signature.ok()) << signature.status();
  const std::string content = std::string(64, ' ') +
                              "TLS 1.3, server CertificateVerify" +
                              std::string(1, '\0') + hash;
  EXPECT_EQ(key.last_method(), "SignMessage");
  EXPECT_EQ(key.last_scheme(), v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
  EXPECT_EQ(key.last_input(), content);
  EXPECT_EQ(*signature, "sig:" + content);
}

TEST(SigningTest, Tls12ServerKeyExchangeSignsRandomsAndParams) {
  FakePrivateKey key;
  ASSERT_TRUE(SignWithKey(key, Tls12Request(v1::SIGNATURE_SCHEME_ED25519),
                          CallGuard::Unbounded())
                  .ok());
  EXPECT_EQ(key.last_method(), "SignMessage");
  EXPECT_EQ(key.last_input(),
            std::string(32, 'c') + std::string(32, 's') + kEcdhParams);
}

TEST(SigningTest, RawInputsGoThroughAsGiven) {
  FakePrivateKey key;
  v1::SignRequest message =
      Request(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384);
  message.set_message("any bytes at all");
  ASSERT_TRUE(SignWithKey(key, message, CallGuard::Unbounded()).ok());
  EXPECT_EQ(key.last_method(), "SignMessage");
  EXPECT_EQ(key.last_input(), "any bytes at all");

  v1::SignRequest digest = Request(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384);
  digest.set_digest(std::string(48, 'd'));
  ASSERT_TRUE(SignWithKey(key, digest, CallGuard::Unbounded()).ok());
  EXPECT_EQ(key.last_method(), "SignDigest");
  EXPECT_EQ(key.last_input(), std::string(48, 'd'));
  EXPECT_EQ(key.calls(), 2);
}

TEST(SigningTest, Md5Sha1SignsTheConcatenatedDigests) {
  FakePrivateKey key;
  v1::SignRequest message = Request(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
  message.set_message("legacy");
  ASSERT_TRUE(SignWithKey(key, message, CallGuard::Unbounded()).ok());
  EXPECT_EQ(key.last_method(), "SignDigest");
  EXPECT_EQ(key.last_input(),
            Digest(EVP_md5(), "legacy") + Digest(EVP_sha1(), "legacy"));

  ASSERT_TRUE(SignWithKey(key,
                          Tls12Request(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1),
                          CallGuard::Unbounded())
                  .ok());
  const std::string content =
      std::string(32, 'c') + std::string(32, 's') + kEcdhParams;
  EXPECT_EQ(key.last_input(),
            Digest(EVP_md5(), content) + Digest(EVP_sha1(), content));
  EXPECT_EQ(key.last_input().size(), 36u);
}

TEST(SigningTest, AnExpiredDeadlineSignsNothing) {
  FakePrivateKey key;
  const CallGuard expired(absl::Now() - absl::Seconds(1), nullptr);
  v1::SignRequest tls13 = Request(v1::SIGNATURE_SCHEME_ED25519);
  tls13.mutable_tls13_certificate_verify()->set_transcript_hash(
      std::string(32, 'h'));
  v1::SignRequest digest = Request(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256);
  digest.set_digest(std::string(32, 'd'));
  v1::SignRequest legacy = Request(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
  legacy.set_message("m");
  for (const v1::SignRequest& request :
       {tls13, digest, legacy, Tls12Request(v1::SIGNATURE_SCHEME_ED25519)}) {
    EXPECT_EQ(SignWithKey(key, request, expired).status(),
              absl::DeadlineExceededError(
                  "the deadline expired before the key operation"));
  }
  EXPECT_EQ(key.calls(), 0);
}

TEST(SigningTest, PassesTheKeysErrorOn) {
  FakePrivateKey key;
  key.set_error(absl::FailedPreconditionError("scheme does not fit"));
  v1::SignRequest request = Request(v1::SIGNATURE_SCHEME_ED25519);
  request.set_message("m");
  EXPECT_EQ(SignWithKey(key, request, CallGuard::Unbounded()).status(),
            absl::FailedPreconditionError("scheme does not fit"));
}

}  // namespace
}  // namespace keyward::service
