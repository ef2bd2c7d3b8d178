#include "handshake/tls12_key_block.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/tls12_prf.h"

namespace keyward::handshake {
namespace {

constexpr HashAlgorithm kSha256 = HashAlgorithm::kSha256;
constexpr HashAlgorithm kSha384 = HashAlgorithm::kSha384;

// Layouts from the suites' RFCs: AES-GCM RFC 5288 and RFC 5289, ChaCha20
// RFC 7905, CBC-SHA256 RFC 5246 §A.5, CBC with ECDHE RFC 5289.
constexpr Tls12KeyBlockLayout kLayouts[] = {
    // cipher_suite, prf_hash, mac_key, enc_key, fixed_iv
    {0x009C, kSha256, 0, 16, 4},   // TLS_RSA_WITH_AES_128_GCM_SHA256
    {0x009D, kSha384, 0, 32, 4},   // TLS_RSA_WITH_AES_256_GCM_SHA384
    {0xC02B, kSha256, 0, 16, 4},   // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    {0xC02C, kSha384, 0, 32, 4},   // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    {0xC02F, kSha256, 0, 16, 4},   // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    {0xC030, kSha384, 0, 32, 4},   // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    {0xCCA8, kSha256, 0, 32, 12},  // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305
    {0xCCA9, kSha256, 0, 32, 12},  // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305
    {0x003C, kSha256, 32, 16, 0},  // TLS_RSA_WITH_AES_128_CBC_SHA256
    {0x003D, kSha256, 32, 32, 0},  // TLS_RSA_WITH_AES_256_CBC_SHA256
    {0xC023, kSha256, 32, 16, 0},  // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    {0xC024, kSha384, 48, 32, 0},  // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    {0xC027, kSha256, 32, 16, 0},  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    {0xC028, kSha384, 48, 32, 0},  // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
};

// Take returns the next `length` bytes of `*rest` and advances it.
SecretBytes Take(absl::Span<const uint8_t>* rest, std::size_t length) {
  SecretBytes out(rest->begin(), rest->begin() + length);
  rest->remove_prefix(length);
  return out;
}

}  // namespace

absl::StatusOr<Tls12KeyBlockLayout> Tls12KeyBlockLayoutForSuite(
    uint16_t cipher_suite) {
  for (const Tls12KeyBlockLayout& layout : kLayouts) {
    if (layout.cipher_suite == cipher_suite) return layout;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cipher_suite: unsupported TLS 1.2 suite 0x",
                   absl::Hex(cipher_suite, absl::kZeroPad4)));
}

absl::StatusOr<Tls12KeyMaterial> SplitTls12KeyBlock(
    const Tls12KeyBlockLayout& layout, absl::Span<const uint8_t> key_block) {
  if (key_block.size() < layout.KeyBlockLength()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key_block: ", key_block.size(), " bytes, suite needs ",
                     layout.KeyBlockLength()));
  }
  absl::Span<const uint8_t> rest = key_block;
  Tls12KeyMaterial out;
  out.client_write_mac_key = Take(&rest, layout.mac_key_length);
  out.server_write_mac_key = Take(&rest, layout.mac_key_length);
  out.client_write_key = Take(&rest, layout.enc_key_length);
  out.server_write_key = Take(&rest, layout.enc_key_length);
  out.client_write_iv = Take(&rest, layout.fixed_iv_length);
  out.server_write_iv = Take(&rest, layout.fixed_iv_length);
  return out;
}

absl::StatusOr<Tls12KeyMaterial> DeriveTls12KeyMaterial(
    uint16_t cipher_suite, absl::Span<const uint8_t> master_secret,
    absl::Span<const uint8_t> server_random,
    absl::Span<const uint8_t> client_random) {
  absl::StatusOr<Tls12KeyBlockLayout> layout =
      Tls12KeyBlockLayoutForSuite(cipher_suite);
  if (!layout.ok()) return layout.status();
  absl::StatusOr<SecretBytes> key_block =
      Tls12KeyBlock(layout->prf_hash, master_secret, server_random,
                    client_random, layout->KeyBlockLength());
  if (!key_block.ok()) return key_block.status();
  return SplitTls12KeyBlock(*layout, *key_block);
}

}  // namespace keyward::handshake
