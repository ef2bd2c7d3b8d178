#ifndef KEYWARD_HANDSHAKE_HASH_ALGORITHM_H_
#define KEYWARD_HANDSHAKE_HASH_ALGORITHM_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace keyward::handshake {

// HashAlgorithm names the hash of a TLS 1.3 cipher suite (RFC 8446 §B.4) or of
// the TLS 1.2 PRF (RFC 5246 §5). SHA-512 is never a TLS 1.2/1.3 suite hash; it
// is here because the TLS 1.2 PRF is defined for it and the vectors use it.
enum class HashAlgorithm {
  kSha256,
  kSha384,
  kSha512,
};

// EvpMd returns OpenSSL's static EVP_MD for `hash` (not owned; never freed),
// or nullptr for a value outside the enum.
const EVP_MD* EvpMd(HashAlgorithm hash);

// OpenSslDigestName returns the name OpenSSL's KDF and MAC parameters take
// ("SHA2-256", ...), or nullptr for a value outside the enum.
const char* OpenSslDigestName(HashAlgorithm hash);

// HashLength returns the digest length in bytes (32, 48, 64), or 0 for a
// value outside the enum.
std::size_t HashLength(HashAlgorithm hash);

// HashAlgorithmName returns "Sha256", "Sha384", "Sha512" (for test names and
// error messages), or "Unknown" for a value outside the enum.
absl::string_view HashAlgorithmName(HashAlgorithm hash);

// CheckHashAlgorithm returns OK for a value of the enum and InvalidArgument
// naming the field "hash" otherwise (e.g. a value cast from a wire integer).
absl::Status CheckHashAlgorithm(HashAlgorithm hash);

// ComputeHash returns the digest of `data`. Returns InvalidArgument for a
// value outside the enum and Internal if OpenSSL fails.
absl::StatusOr<std::vector<uint8_t>> ComputeHash(
    HashAlgorithm hash, absl::Span<const uint8_t> data);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_HASH_ALGORITHM_H_
