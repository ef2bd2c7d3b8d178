#ifndef KEYWARD_HANDSHAKE_TLS13_TRAFFIC_KEYS_H_
#define KEYWARD_HANDSHAKE_TLS13_TRAFFIC_KEYS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Tls13CipherSuite gives what the key schedule needs from a TLS 1.3 cipher
// suite (RFC 8446 §B.4): its hash and the AEAD key and nonce lengths.
struct Tls13CipherSuite {
  uint16_t id = 0;
  HashAlgorithm hash = HashAlgorithm::kSha256;
  std::size_t key_length = 0;
  std::size_t iv_length = 0;  // 12 for every suite here (RFC 8446 §5.3).
};

// Tls13CipherSuiteFromId returns TLS_AES_128_GCM_SHA256 (0x1301),
// TLS_AES_256_GCM_SHA384 (0x1302) or TLS_CHACHA20_POLY1305_SHA256 (0x1303).
// Any other value is a bad request field: InvalidArgument naming
// "cipher_suite".
absl::StatusOr<Tls13CipherSuite> Tls13CipherSuiteFromId(uint16_t id);

// Tls13TrafficKeys is the write key and IV derived from one traffic secret.
struct Tls13TrafficKeys {
  SecretBytes key;
  SecretBytes iv;
};

// DeriveTls13TrafficKeys returns, for a traffic secret of `suite`
// (RFC 8446 §7.3):
//   key = HKDF-Expand-Label(secret, "key", "", key_length)
//   iv  = HKDF-Expand-Label(secret, "iv", "", iv_length)
// InvalidArgument naming "traffic_secret" unless it is HashLen bytes;
// Internal if OpenSSL fails.
absl::StatusOr<Tls13TrafficKeys> DeriveTls13TrafficKeys(
    const Tls13CipherSuite& suite, absl::Span<const uint8_t> traffic_secret);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS13_TRAFFIC_KEYS_H_
