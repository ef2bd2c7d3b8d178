#ifndef KEYWARD_SERVICE_SESSION_KEYS_H_
#define KEYWARD_SERVICE_SESSION_KEYS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "keyward/v1/key_service.pb.h"

// The DeriveSessionKeys RPC: TLS key schedules as pure functions over the
// request (no key, no permission beyond authentication).
namespace keyward::service {

// The proto's bound on a TLS 1.3 PSK or (EC)DHE shared secret.
inline constexpr size_t kMaxSessionSecretLength = 256;

// ValidateDeriveSessionKeysRequest: one schedule set. TLS 1.3: a known suite;
// psk and shared_secret at most kMaxSessionSecretLength bytes and not both
// empty; server_hello_hash and server_finished_hash of the suite's hash
// length, client_finished_hash empty or that length. TLS 1.2: a known suite,
// a 48-byte master secret, 32-byte randoms. Otherwise InvalidArgument naming
// the field ("tls13.server_hello_hash", ...).
absl::Status ValidateDeriveSessionKeysRequest(
    const v1::DeriveSessionKeysRequest& request);

// ComputeSessionKeys validates `request` and returns the TLS 1.3 traffic
// secrets, keys and IVs, exporter and (with client_finished_hash)
// resumption master secrets (RFC 8446 §7.1, §7.3), or the TLS 1.2 key block
// cut into its six parts (RFC 5246 §6.3). Fails with the validation error,
// or Internal if OpenSSL fails. The response holds secrets: wipe it with
// CleanseSecrets (secret_cleansing.h) once it has been sent.
absl::StatusOr<v1::DeriveSessionKeysResponse> ComputeSessionKeys(
    const v1::DeriveSessionKeysRequest& request);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SESSION_KEYS_H_
