#ifndef KEYWARD_HANDSHAKE_TLS13_SESSION_KEYS_H_
#define KEYWARD_HANDSHAKE_TLS13_SESSION_KEYS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake {

// Tls13SessionKeysRequest is what a DeriveSessionKeys call supplies for a
// full TLS 1.3 handshake (RFC 8446 §7.1, §7.3). The spans are only read,
// during DeriveTls13SessionKeys.
struct Tls13SessionKeysRequest {
  // cipher_suite is 0x1301, 0x1302 or 0x1303; it fixes the hash.
  uint16_t cipher_suite = 0;
  // psk is the pre-shared key, or empty when none is used.
  absl::Span<const uint8_t> psk;
  // shared_secret is the (EC)DHE shared secret, or empty in psk_ke mode.
  absl::Span<const uint8_t> shared_secret;
  // Transcript hashes, HashLen bytes each. client_finished_hash may be empty
  // (e.g. before the client's Finished arrived): the resumption master secret
  // is then not derived.
  absl::Span<const uint8_t> server_hello_hash;     // ClientHello..ServerHello
  absl::Span<const uint8_t> server_finished_hash;  // ..server Finished
  absl::Span<const uint8_t> client_finished_hash;  // ..client Finished
};

// Tls13DirectionKeys is one direction's traffic secret with the AEAD write
// key and IV derived from it (§7.3).
struct Tls13DirectionKeys {
  SecretBytes traffic_secret;
  SecretBytes key;
  SecretBytes iv;
};

// Tls13SessionKeys is everything an edge server needs to run the record
// layer, send and check Finished, export keying material and resume.
struct Tls13SessionKeys {
  Tls13DirectionKeys client_handshake;
  Tls13DirectionKeys server_handshake;
  SecretBytes client_finished_key;        // §4.4.4, from client_handshake.
  SecretBytes server_finished_key;        // §4.4.4, from server_handshake.
  Tls13DirectionKeys client_application;  // from *_application_traffic_secret_0
  Tls13DirectionKeys server_application;
  SecretBytes exporter_master_secret;
  SecretBytes resumption_master_secret;  // Empty if no client_finished_hash.
};

// DeriveTls13SessionKeys runs the key schedule for `request` and derives the
// traffic keys and Finished keys. Returns InvalidArgument naming the field
// for an unknown cipher suite, a missing server_hello_hash or
// server_finished_hash, a transcript hash of the wrong length for the
// suite's hash, or an oversized psk or shared_secret; Internal if OpenSSL
// fails. Intermediate secrets (early, handshake, master) are cleansed before
// returning. Safe to call concurrently: it has no shared state.
absl::StatusOr<Tls13SessionKeys> DeriveTls13SessionKeys(
    const Tls13SessionKeysRequest& request);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS13_SESSION_KEYS_H_
