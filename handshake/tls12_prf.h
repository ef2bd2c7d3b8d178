#ifndef KEYWARD_HANDSHAKE_TLS12_PRF_H_
#define KEYWARD_HANDSHAKE_TLS12_PRF_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Every function here returns InvalidArgument, naming the field, for an
// invalid argument (an unsupported `hash` included), and Internal if OpenSSL
// fails. Outputs are owned by the caller; inputs are only read.

inline constexpr std::size_t kTls12MasterSecretLength = 48;  // RFC 5246 §8.1
inline constexpr std::size_t kTls12RandomLength = 32;  // RFC 5246 §7.4.1.2
// kTls12MaxPrfSeedLength bounds label + seed (OpenSSL's TLS1-PRF limit).
inline constexpr std::size_t kTls12MaxPrfSeedLength = 1024;
// kTls12MaxSecretLength bounds a pre-master secret: an ffdhe8192 shared
// secret (RFC 7919) is the longest at 1024 bytes.
inline constexpr std::size_t kTls12MaxSecretLength = 1024;
// kTls12MaxKeyBlockLength bounds KeyBlock requests; the largest suite key
// block (AES-256-CBC with HMAC-SHA384) needs 160 bytes.
inline constexpr std::size_t kTls12MaxKeyBlockLength = 256;

// Tls12Prf returns `out_length` bytes of PRF(secret, label, seed) =
// P_<hash>(secret, label + seed) (RFC 5246 §5). InvalidArgument if `secret`
// is empty or longer than kTls12MaxSecretLength, `out_length` is 0, or label
// plus seed is empty or longer than kTls12MaxPrfSeedLength.
absl::StatusOr<SecretBytes> Tls12Prf(HashAlgorithm hash,
                                     absl::Span<const uint8_t> secret,
                                     absl::string_view label,
                                     absl::Span<const uint8_t> seed,
                                     std::size_t out_length);

// Tls12MasterSecret returns master_secret = PRF(pre_master_secret,
// "master secret", ClientHello.random + ServerHello.random)[0..47]
// (RFC 5246 §8.1). InvalidArgument unless each random is 32 bytes and
// `pre_master_secret` is 1 to kTls12MaxSecretLength bytes.
absl::StatusOr<SecretBytes> Tls12MasterSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> pre_master_secret,
    absl::Span<const uint8_t> client_random,
    absl::Span<const uint8_t> server_random);

// Tls12ExtendedMasterSecret returns master_secret = PRF(pre_master_secret,
// "extended master secret", session_hash)[0..47] (RFC 7627 §4), where
// session_hash is the hash of the handshake messages up to and including
// ClientKeyExchange (§3). InvalidArgument unless `session_hash` is HashLen
// bytes and `pre_master_secret` is 1 to kTls12MaxSecretLength bytes.
absl::StatusOr<SecretBytes> Tls12ExtendedMasterSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> pre_master_secret,
    absl::Span<const uint8_t> session_hash);

// Tls12KeyBlock returns key_block = PRF(master_secret, "key expansion",
// server_random + client_random), `length` bytes (RFC 5246 §6.3). Note the
// order: the server random comes first. InvalidArgument unless
// `master_secret` is 48 bytes, each random is 32 bytes and `length` is 1 to
// kTls12MaxKeyBlockLength.
absl::StatusOr<SecretBytes> Tls12KeyBlock(
    HashAlgorithm hash, absl::Span<const uint8_t> master_secret,
    absl::Span<const uint8_t> server_random,
    absl::Span<const uint8_t> client_random, std::size_t length);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS12_PRF_H_
