#ifndef KEYWARD_HANDSHAKE_TLS13_FINISHED_H_
#define KEYWARD_HANDSHAKE_TLS13_FINISHED_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Tls13FinishedKey returns finished_key = HKDF-Expand-Label(base_key,
// "finished", "", HashLen) (RFC 8446 §4.4.4), where `base_key` is the
// sender's handshake traffic secret. InvalidArgument naming "base_key" unless
// it is HashLen bytes (or for an unsupported `hash`); Internal if OpenSSL
// fails.
absl::StatusOr<SecretBytes> Tls13FinishedKey(
    HashAlgorithm hash, absl::Span<const uint8_t> base_key);

// Tls13FinishedVerifyData returns verify_data = HMAC(finished_key,
// transcript_hash) (RFC 8446 §4.4.4), where `transcript_hash` covers the
// handshake up to (not including) this Finished. InvalidArgument naming the
// field unless both inputs are HashLen bytes; Internal if OpenSSL fails.
// verify_data is sent to the peer, so it is returned in a plain vector.
absl::StatusOr<std::vector<uint8_t>> Tls13FinishedVerifyData(
    HashAlgorithm hash, absl::Span<const uint8_t> finished_key,
    absl::Span<const uint8_t> transcript_hash);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS13_FINISHED_H_
