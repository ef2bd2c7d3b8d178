#ifndef KEYWARD_HANDSHAKE_TLS12_KEY_BLOCK_H_
#define KEYWARD_HANDSHAKE_TLS12_KEY_BLOCK_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Tls12KeyBlockLayout describes how a TLS 1.2 cipher suite cuts its key block
// (RFC 5246 §6.3) and which hash its PRF uses.
struct Tls12KeyBlockLayout {
  uint16_t cipher_suite = 0;
  HashAlgorithm prf_hash = HashAlgorithm::kSha256;
  std::size_t mac_key_length = 0;  // 0 for AEAD suites.
  std::size_t enc_key_length = 0;
  // fixed_iv_length is the implicit nonce part taken from the key block:
  // 4 for AES-GCM (RFC 5288 §3), 12 for ChaCha20-Poly1305 (RFC 7905 §2),
  // 0 for CBC, whose record IVs are explicit (RFC 5246 §6.2.3.2).
  std::size_t fixed_iv_length = 0;

  // KeyBlockLength is the number of key block bytes the suite consumes.
  std::size_t KeyBlockLength() const {
    return 2 * (mac_key_length + enc_key_length + fixed_iv_length);
  }
};

// Tls12KeyBlockLayoutForSuite returns the layout of `cipher_suite`, one of
// the ECDHE/RSA AES-GCM (0x009C, 0x009D, 0xC02B, 0xC02C, 0xC02F, 0xC030),
// ChaCha20-Poly1305 (0xCCA8, 0xCCA9) and AES-CBC-SHA256/384 (0x003C, 0x003D,
// 0xC023, 0xC024, 0xC027, 0xC028) suites. Any other value is a bad request
// field, so it returns InvalidArgument naming "cipher_suite".
absl::StatusOr<Tls12KeyBlockLayout> Tls12KeyBlockLayoutForSuite(
    uint16_t cipher_suite);

// Tls12KeyMaterial is a key block cut into its six parts (RFC 5246 §6.3).
// MAC keys are empty for AEAD suites, IVs empty for CBC suites.
struct Tls12KeyMaterial {
  SecretBytes client_write_mac_key;
  SecretBytes server_write_mac_key;
  SecretBytes client_write_key;
  SecretBytes server_write_key;
  SecretBytes client_write_iv;
  SecretBytes server_write_iv;
};

// SplitTls12KeyBlock cuts `key_block` per `layout`, in the order of RFC 5246
// §6.3. Extra trailing bytes are ignored. InvalidArgument naming "key_block"
// if it is shorter than layout.KeyBlockLength().
absl::StatusOr<Tls12KeyMaterial> SplitTls12KeyBlock(
    const Tls12KeyBlockLayout& layout, absl::Span<const uint8_t> key_block);

// DeriveTls12KeyMaterial computes the key block of `cipher_suite` from the
// master secret (Tls12KeyBlock with the suite's PRF hash and length) and
// splits it; the key block itself is cleansed before returning. Fails as
// Tls12KeyBlockLayoutForSuite and Tls12KeyBlock do.
absl::StatusOr<Tls12KeyMaterial> DeriveTls12KeyMaterial(
    uint16_t cipher_suite, absl::Span<const uint8_t> master_secret,
    absl::Span<const uint8_t> server_random,
    absl::Span<const uint8_t> client_random);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS12_KEY_BLOCK_H_
