#include "handshake/tls12_key_block.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "handshake/tls12_prf.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// FindLibsslCipher returns libssl's description of `suite`, an independent
// source for the layout (owned by libssl; valid while `ssl` lives).
const SSL_CIPHER* FindLibsslCipher(SSL* ssl, uint16_t suite) {
  const unsigned char bytes[2] = {static_cast<unsigned char>(suite >> 8),
                                  static_cast<unsigned char>(suite & 0xff)};
  return SSL_CIPHER_find(ssl, bytes);
}

class Tls12SuiteTest : public ::testing::TestWithParam<uint16_t> {};

TEST_P(Tls12SuiteTest, LayoutAgreesWithLibssl) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(
      SSL_CTX_new(TLS_method()), SSL_CTX_free);
  ASSERT_NE(ctx, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  ASSERT_NE(ssl, nullptr);
  const SSL_CIPHER* cipher = FindLibsslCipher(ssl.get(), GetParam());
  ASSERT_NE(cipher, nullptr);
  absl::StatusOr<Tls12KeyBlockLayout> layout =
      Tls12KeyBlockLayoutForSuite(GetParam());
  ASSERT_THAT(layout, IsOk());

  EXPECT_EQ(layout->cipher_suite, GetParam());
  const EVP_CIPHER* evp_cipher =
      EVP_get_cipherbynid(SSL_CIPHER_get_cipher_nid(cipher));
  ASSERT_NE(evp_cipher, nullptr);
  EXPECT_EQ(layout->enc_key_length,
            static_cast<size_t>(EVP_CIPHER_get_key_length(evp_cipher)));
  const EVP_MD* prf = SSL_CIPHER_get_handshake_digest(cipher);
  ASSERT_NE(prf, nullptr);
  // libssl reports MD5-SHA1, its "default" handshake hash, for the suites
  // RFC 5246 itself defines; in TLS 1.2 that default PRF is P_SHA256 (§5).
  const int prf_nid =
      EVP_MD_get_type(prf) == NID_md5_sha1 ? NID_sha256 : EVP_MD_get_type(prf);
  EXPECT_EQ(EVP_MD_get_type(EvpMd(layout->prf_hash)), prf_nid);
  if (SSL_CIPHER_is_aead(cipher)) {
    EXPECT_EQ(layout->mac_key_length, 0u);
    // GCM takes a 4-byte salt (RFC 5288 §3); ChaCha20 the whole 12-byte
    // nonce mask (RFC 7905 §2).
    const bool gcm = EVP_CIPHER_get_mode(evp_cipher) == EVP_CIPH_GCM_MODE;
    EXPECT_EQ(
        layout->fixed_iv_length,
        gcm ? 4u : static_cast<size_t>(EVP_CIPHER_get_iv_length(evp_cipher)));
  } else {
    const EVP_MD* mac = EVP_get_digestbynid(SSL_CIPHER_get_digest_nid(cipher));
    ASSERT_NE(mac, nullptr);
    EXPECT_EQ(layout->mac_key_length,
              static_cast<size_t>(EVP_MD_get_size(mac)));
    EXPECT_EQ(layout->fixed_iv_length, 0u);  // Explicit record IVs.
  }
}

TEST_P(Tls12SuiteTest, DeriveSplitsTheSuitesKeyBlock) {
  const std::vector<uint8_t> master(48, 0x4d), server(32, 0x5e), client(32, 1);
  absl::StatusOr<Tls12KeyBlockLayout> layout =
      Tls12KeyBlockLayoutForSuite(GetParam());
  ASSERT_THAT(layout, IsOk());
  absl::StatusOr<SecretBytes> block = Tls12KeyBlock(
      layout->prf_hash, master, server, client, layout->KeyBlockLength());
  ASSERT_THAT(block, IsOk());
  absl::StatusOr<Tls12KeyMaterial> split = SplitTls12KeyBlock(*layout, *block);
  absl::StatusOr<Tls12KeyMaterial> derived =
      DeriveTls12KeyMaterial(GetParam(), master, server, client);
  ASSERT_THAT(split, IsOk());
  ASSERT_THAT(derived, IsOk());
  EXPECT_EQ(derived->client_write_mac_key, split->client_write_mac_key);
  EXPECT_EQ(derived->server_write_mac_key, split->server_write_mac_key);
  EXPECT_EQ(derived->client_write_key, split->client_write_key);
  EXPECT_EQ(derived->server_write_key, split->server_write_key);
  EXPECT_EQ(derived->client_write_iv, split->client_write_iv);
  EXPECT_EQ(derived->server_write_iv, split->server_write_iv);
  EXPECT_THAT(
      DeriveTls12KeyMaterial(GetParam(), client, server, client),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("master_secret")));
}

INSTANTIATE_TEST_SUITE_P(
    AllSuites, Tls12SuiteTest,
    ::testing::Values(0x009C, 0x009D, 0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8,
                      0xCCA9, 0x003C, 0x003D, 0xC023, 0xC024, 0xC027, 0xC028),
    [](const auto& info) {
      return absl::StrCat("0x", absl::Hex(info.param, absl::kZeroPad4));
    });

TEST(Tls12KeyBlockLayoutTest, UnknownSuiteIsInvalidArgument) {
  // TLS_NULL_WITH_NULL_NULL, TLS_RSA_WITH_AES_128_CBC_SHA (SHA-1 MAC, not
  // supported) and a TLS 1.3 suite.
  for (uint16_t suite : {0x0000, 0x002F, 0x1301}) {
    EXPECT_THAT(Tls12KeyBlockLayoutForSuite(suite),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("cipher_suite")));
    EXPECT_THAT(DeriveTls12KeyMaterial(suite, std::vector<uint8_t>(48),
                                       std::vector<uint8_t>(32),
                                       std::vector<uint8_t>(32)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("cipher_suite")));
  }
}

TEST(SplitTls12KeyBlockTest, CutsInRfc5246Order) {
  const Tls12KeyBlockLayout layout = {0xFFFF, HashAlgorithm::kSha256, 2, 3, 1};
  std::vector<uint8_t> block(layout.KeyBlockLength() + 2);  // 2 extra bytes.
  std::iota(block.begin(), block.end(), 0);
  absl::StatusOr<Tls12KeyMaterial> keys = SplitTls12KeyBlock(layout, block);
  ASSERT_THAT(keys, IsOk());
  EXPECT_THAT(keys->client_write_mac_key, ElementsAre(0, 1));
  EXPECT_THAT(keys->server_write_mac_key, ElementsAre(2, 3));
  EXPECT_THAT(keys->client_write_key, ElementsAre(4, 5, 6));
  EXPECT_THAT(keys->server_write_key, ElementsAre(7, 8, 9));
  EXPECT_THAT(keys->client_write_iv, ElementsAre(10));
  EXPECT_THAT(keys->server_write_iv, ElementsAre(11));
}

TEST(SplitTls12KeyBlockTest, AeadLayoutHasNoMacKeys) {
  absl::StatusOr<Tls12KeyBlockLayout> layout =
      Tls12KeyBlockLayoutForSuite(0xC02F);
  ASSERT_THAT(layout, IsOk());
  EXPECT_EQ(layout->KeyBlockLength(), 40u);
  absl::StatusOr<Tls12KeyMaterial> keys =
      SplitTls12KeyBlock(*layout, std::vector<uint8_t>(40, 7));
  ASSERT_THAT(keys, IsOk());
  EXPECT_THAT(keys->client_write_mac_key, IsEmpty());
  EXPECT_EQ(keys->client_write_key.size(), 16u);
  EXPECT_EQ(keys->server_write_iv.size(), 4u);
}

TEST(SplitTls12KeyBlockTest, ShortKeyBlockIsInvalidArgument) {
  const Tls12KeyBlockLayout layout = {0xFFFF, HashAlgorithm::kSha256, 2, 3, 1};
  EXPECT_THAT(
      SplitTls12KeyBlock(layout, std::vector<uint8_t>(11)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key_block")));
}

}  // namespace
}  // namespace keyward::handshake
