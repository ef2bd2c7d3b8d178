#include "service/rsa_key_exchange.h"

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/testing/fake_private_key.h"
#include "tests/support/openssl_tls_prf.h"

namespace keyward::service {
namespace {

using ::keyward::testing::OpenSslTlsPrf;
using testing::FakePrivateKey;

std::string AsString(const handshake::SecretBytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

v1::RsaKeyExchangeRequest Request() {
  v1::RsaKeyExchangeRequest request;
  request.mutable_key()->set_key_id(std::string(64, 'a'));
  request.set_encrypted_pre_master(std::string(256, 'x'));
  request.set_client_version(0x0303);
  request.set_client_random(std::string(32, 'c'));
  request.set_server_random(std::string(32, 's'));
  request.set_prf_hash(v1::PRF_HASH_SHA256);
  return request;
}

TEST(RsaKeyExchangeTest, CiphertextMustBeTheModulusLength) {
  EXPECT_TRUE(CheckCiphertextLength(2048, std::string(256, 'c')).ok());
  EXPECT_TRUE(CheckCiphertextLength(3072, std::string(384, 'c')).ok());
  EXPECT_TRUE(CheckCiphertextLength(2049, std::string(257, 'c')).ok());
  EXPECT_EQ(CheckCiphertextLength(2048, std::string(255, 'c')),
            absl::InvalidArgumentError("encrypted_pre_master: 255 bytes, the "
                                       "key's RSA modulus is 256"));
  EXPECT_EQ(CheckCiphertextLength(2048, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckCiphertextLength(2048, std::string(257, 'c')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RsaKeyExchangeTest, DecryptPassesCiphertextAndVersion) {
  FakePrivateKey key;
  v1::DecryptPreMasterRequest request;
  request.set_encrypted_pre_master("ciphertext");
  request.set_client_version(0x0302);
  absl::StatusOr<handshake::SecretBytes> pre_master =
      DecryptPreMasterWithKey(key, request, CallGuard::Unbounded());
  ASSERT_TRUE(pre_master.ok()) << pre_master.status();
  EXPECT_EQ(AsString(*pre_master), std::string(48, 0x5a));
  EXPECT_EQ(key.last_input(), "ciphertext");
  EXPECT_EQ(key.last_client_version(), 0x0302);
}

TEST(RsaKeyExchangeTest, MasterSecretAndKeyBlockMatchOpenSsl) {
  FakePrivateKey key;
  const std::string pre_master = "\x03\x03" + std::string(46, '\x11');
  key.set_pre_master(
      handshake::SecretBytes(pre_master.begin(), pre_master.end()));
  for (auto [prf_hash, digest] : {std::pair{v1::PRF_HASH_SHA256, "SHA2-256"},
                                  std::pair{v1::PRF_HASH_SHA384, "SHA2-384"}}) {
    v1::RsaKeyExchangeRequest request = Request();
    request.set_prf_hash(prf_hash);
    request.set_key_block_length(104);
    absl::StatusOr<TlsMasterKeys> keys =
        RsaKeyExchangeWithKey(key, request, CallGuard::Unbounded());
    ASSERT_TRUE(keys.ok()) << keys.status();
    const std::string master =
        OpenSslTlsPrf(digest, pre_master, "master secret",
                      std::string(32, 'c') + std::string(32, 's'), 48);
    EXPECT_EQ(AsString(keys->master_secret), master);
    EXPECT_EQ(AsString(keys->key_block),
              OpenSslTlsPrf(digest, master, "key expansion",
                            std::string(32, 's') + std::string(32, 'c'), 104));
  }
}

TEST(RsaKeyExchangeTest, ExtendedMasterSecretUsesTheSessionHash) {
  FakePrivateKey key;
  v1::RsaKeyExchangeRequest request = Request();
  request.set_session_hash(std::string(32, 'h'));
  absl::StatusOr<TlsMasterKeys> keys =
      RsaKeyExchangeWithKey(key, request, CallGuard::Unbounded());
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(AsString(keys->master_secret),
            OpenSslTlsPrf("SHA2-256", std::string(48, 0x5a),
                          "extended master secret", std::string(32, 'h'), 48));
  EXPECT_TRUE(keys->key_block.empty());
}

TEST(RsaKeyExchangeTest, AnExpiredDeadlineDecryptsNothing) {
  FakePrivateKey key;
  const CallGuard expired(absl::Now() - absl::Seconds(1), nullptr);
  v1::DecryptPreMasterRequest decrypt;
  decrypt.set_encrypted_pre_master("c");
  decrypt.set_client_version(0x0303);
  EXPECT_EQ(DecryptPreMasterWithKey(key, decrypt, expired).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(RsaKeyExchangeWithKey(key, Request(), expired).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(key.calls(), 0);
}

TEST(RsaKeyExchangeTest, PassesTheKeysErrorOn) {
  FakePrivateKey key;
  key.set_error(absl::InvalidArgumentError("encrypted_pre_master: length"));
  EXPECT_EQ(
      RsaKeyExchangeWithKey(key, Request(), CallGuard::Unbounded()).status(),
      absl::InvalidArgumentError("encrypted_pre_master: length"));
}

}  // namespace
}  // namespace keyward::service
