#include "handshake/tls13_traffic_keys.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/hkdf.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

class Tls13SuiteTest : public ::testing::TestWithParam<uint16_t> {};

TEST_P(Tls13SuiteTest, SuiteAgreesWithLibssl) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(
      SSL_CTX_new(TLS_method()), SSL_CTX_free);
  ASSERT_NE(ctx, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  ASSERT_NE(ssl, nullptr);
  const unsigned char id[2] = {static_cast<unsigned char>(GetParam() >> 8),
                               static_cast<unsigned char>(GetParam() & 0xff)};
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl.get(), id);
  ASSERT_NE(cipher, nullptr);
  const EVP_CIPHER* evp_cipher =
      EVP_get_cipherbynid(SSL_CIPHER_get_cipher_nid(cipher));
  ASSERT_NE(evp_cipher, nullptr);

  absl::StatusOr<Tls13CipherSuite> suite = Tls13CipherSuiteFromId(GetParam());
  ASSERT_THAT(suite, IsOk());
  EXPECT_EQ(suite->id, GetParam());
  EXPECT_EQ(suite->key_length,
            static_cast<size_t>(EVP_CIPHER_get_key_length(evp_cipher)));
  EXPECT_EQ(suite->iv_length,
            static_cast<size_t>(EVP_CIPHER_get_iv_length(evp_cipher)));
  EXPECT_EQ(EVP_MD_get_type(EvpMd(suite->hash)),
            EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(cipher)));
}

TEST_P(Tls13SuiteTest, KeysAreExpandLabelOfKeyAndIv) {
  absl::StatusOr<Tls13CipherSuite> suite = Tls13CipherSuiteFromId(GetParam());
  ASSERT_THAT(suite, IsOk());
  const std::vector<uint8_t> secret(HashLength(suite->hash), 0x33);
  absl::StatusOr<Tls13TrafficKeys> keys =
      DeriveTls13TrafficKeys(*suite, secret);
  ASSERT_THAT(keys, IsOk());
  absl::StatusOr<SecretBytes> key =
      HkdfExpandLabel(suite->hash, secret, "key", {}, suite->key_length);
  absl::StatusOr<SecretBytes> iv =
      HkdfExpandLabel(suite->hash, secret, "iv", {}, suite->iv_length);
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(iv, IsOk());
  EXPECT_EQ(keys->key, *key);
  EXPECT_EQ(keys->iv, *iv);
}

TEST_P(Tls13SuiteTest, SecretMustBeHashLen) {
  absl::StatusOr<Tls13CipherSuite> suite = Tls13CipherSuiteFromId(GetParam());
  ASSERT_THAT(suite, IsOk());
  const size_t hash_length = HashLength(suite->hash);
  for (size_t bad : {size_t{0}, hash_length - 1, hash_length + 1}) {
    EXPECT_THAT(DeriveTls13TrafficKeys(*suite, std::vector<uint8_t>(bad, 1)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("traffic_secret")));
  }
}

INSTANTIATE_TEST_SUITE_P(AllSuites, Tls13SuiteTest,
                         ::testing::Values(0x1301, 0x1302, 0x1303),
                         [](const auto& info) {
                           return absl::StrCat(
                               "0x", absl::Hex(info.param, absl::kZeroPad4));
                         });

TEST(Tls13CipherSuiteTest, UnknownSuiteIsInvalidArgument) {
  // TLS_AES_128_CCM_SHA256 is not supported; 0xC02F is a TLS 1.2 suite.
  for (uint16_t id : {0x0000, 0x1304, 0xC02F}) {
    EXPECT_THAT(Tls13CipherSuiteFromId(id),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("cipher_suite")));
  }
}

TEST(Tls13CipherSuiteTest, SuiteWithUnsupportedHashIsInvalidArgument) {
  const Tls13CipherSuite suite = {0x1301, static_cast<HashAlgorithm>(9), 16,
                                  12};
  EXPECT_THAT(DeriveTls13TrafficKeys(suite, std::vector<uint8_t>(32, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")));
}

}  // namespace
}  // namespace keyward::handshake
