#ifndef KEYWARD_HANDSHAKE_TLS13_KEY_SCHEDULE_H_
#define KEYWARD_HANDSHAKE_TLS13_KEY_SCHEDULE_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// kMaxTls13InputSecretLength bounds the PSK and the (EC)DHE shared secret; an
// ffdhe8192 shared secret (RFC 7919) is the longest at 1024 bytes.
inline constexpr std::size_t kMaxTls13InputSecretLength = 1024;

// Tls13KeyScheduleInput holds the inputs of the RFC 8446 §7.1 key schedule.
// The spans are only read, during ComputeTls13KeySchedule.
struct Tls13KeyScheduleInput {
  HashAlgorithm hash = HashAlgorithm::kSha256;
  // psk is the pre-shared key; empty when no PSK is used, and then the
  // schedule uses HashLen zero bytes (§7.1).
  absl::Span<const uint8_t> psk;
  // shared_secret is the (EC)DHE shared secret; empty in psk_ke mode, and
  // then the schedule uses HashLen zero bytes (§7.1).
  absl::Span<const uint8_t> shared_secret;
  // Transcript-Hash values (§4.4.1), each HashLen bytes, or empty to skip the
  // secrets derived from it (they are then left empty in Tls13Secrets).
  absl::Span<const uint8_t> client_hello_hash;     // ClientHello
  absl::Span<const uint8_t> server_hello_hash;     // ClientHello..ServerHello
  absl::Span<const uint8_t> server_finished_hash;  // ..server Finished
  absl::Span<const uint8_t> client_finished_hash;  // ..client Finished
};

// Tls13Secrets holds every secret of the §7.1 schedule. early_secret,
// handshake_secret and master_secret are always set; each other field is set
// only when its transcript hash was given (in brackets).
struct Tls13Secrets {
  SecretBytes early_secret;
  SecretBytes client_early_traffic_secret;   // [client_hello_hash]
  SecretBytes early_exporter_master_secret;  // [client_hello_hash]
  SecretBytes handshake_secret;
  SecretBytes client_handshake_traffic_secret;  // [server_hello_hash]
  SecretBytes server_handshake_traffic_secret;  // [server_hello_hash]
  SecretBytes master_secret;
  SecretBytes client_application_traffic_secret_0;  // [server_finished_hash]
  SecretBytes server_application_traffic_secret_0;  // [server_finished_hash]
  SecretBytes exporter_master_secret;               // [server_finished_hash]
  SecretBytes resumption_master_secret;             // [client_finished_hash]
};

// ComputeTls13KeySchedule runs the TLS 1.3 key schedule (RFC 8446 §7.1):
//   early_secret     = HKDF-Extract(0, PSK)
//   handshake_secret = HKDF-Extract(Derive-Secret(early_secret, "derived",
//                                                 ""), (EC)DHE)
//   master_secret    = HKDF-Extract(Derive-Secret(handshake_secret,
//                                                 "derived", ""), 0)
// and from them the traffic, exporter and resumption secrets with
// Derive-Secret over the given transcript hashes. The intermediate "derived"
// values are cleansed. Returns InvalidArgument naming the field for an
// unsupported hash, a psk or shared_secret longer than
// kMaxTls13InputSecretLength, or a non-empty transcript hash that is not
// HashLen bytes; Internal if OpenSSL fails.
absl::StatusOr<Tls13Secrets> ComputeTls13KeySchedule(
    const Tls13KeyScheduleInput& input);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS13_KEY_SCHEDULE_H_
