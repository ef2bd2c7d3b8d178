#ifndef KEYWARD_HANDSHAKE_HKDF_H_
#define KEYWARD_HANDSHAKE_HKDF_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Every function here returns InvalidArgument, naming the field, for an
// invalid argument (an unsupported `hash` included), and Internal if OpenSSL
// fails. Outputs are owned by the caller; inputs are only read.

// HkdfExtract returns PRK = HKDF-Extract(salt, IKM) (RFC 5869 §2.2),
// HashLen bytes. An empty `salt` means "not provided", which §2.2 defines as
// HashLen zero bytes. `ikm` may be empty.
absl::StatusOr<SecretBytes> HkdfExtract(HashAlgorithm hash,
                                        absl::Span<const uint8_t> salt,
                                        absl::Span<const uint8_t> ikm);

// HkdfExpand returns OKM = HKDF-Expand(PRK, info, L) (RFC 5869 §2.3), with
// L = `out_length`. InvalidArgument if `prk` is shorter than HashLen or
// `out_length` is 0 or more than 255 * HashLen.
absl::StatusOr<SecretBytes> HkdfExpand(HashAlgorithm hash,
                                       absl::Span<const uint8_t> prk,
                                       absl::Span<const uint8_t> info,
                                       std::size_t out_length);

// kMaxHkdfLabelLength is the longest `label` HKDF-Expand-Label accepts: the
// encoded label is "tls13 " + label and must fit opaque label<7..255>.
inline constexpr std::size_t kMaxHkdfLabelLength = 255 - 6;

// EncodeHkdfLabel returns the HkdfLabel structure of RFC 8446 §7.1:
//   uint16 length; opaque label<7..255> = "tls13 " + label;
//   opaque context<0..255>.
// InvalidArgument if `label` is empty or longer than kMaxHkdfLabelLength, or
// `context` is longer than 255 bytes.
absl::StatusOr<std::vector<uint8_t>> EncodeHkdfLabel(
    uint16_t length, absl::string_view label,
    absl::Span<const uint8_t> context);

// HkdfExpandLabel returns HKDF-Expand-Label(secret, label, context, length)
// (RFC 8446 §7.1), i.e. HkdfExpand(secret, EncodeHkdfLabel(...), length).
// `label` is given without the "tls13 " prefix, e.g. "key". Fails as
// HkdfExpand and EncodeHkdfLabel do.
absl::StatusOr<SecretBytes> HkdfExpandLabel(HashAlgorithm hash,
                                            absl::Span<const uint8_t> secret,
                                            absl::string_view label,
                                            absl::Span<const uint8_t> context,
                                            std::size_t length);

// DeriveSecret returns Derive-Secret(secret, label, messages) (RFC 8446 §7.1)
// given `transcript_hash` = Transcript-Hash(messages): HkdfExpandLabel(secret,
// label, transcript_hash, HashLen). InvalidArgument unless `transcript_hash`
// is HashLen bytes.
absl::StatusOr<SecretBytes> DeriveSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> secret,
    absl::string_view label, absl::Span<const uint8_t> transcript_hash);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_HKDF_H_
