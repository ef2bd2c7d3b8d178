#ifndef KEYWARD_SERVICE_KEY_RESOLUTION_H_
#define KEYWARD_SERVICE_KEY_RESOLUTION_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/key_entry.h"
#include "keystore/keystore.h"
#include "keyward/v1/types.pb.h"

namespace keyward::service {

// KeyUse is what a request wants to do with the key it selects.
struct KeyUse {
  // OPERATION_UNSPECIFIED: only describe the key (GetKey).
  v1::Operation operation = v1::OPERATION_UNSPECIFIED;
  // The signature scheme, for the signing operations.
  v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED;
};

// kKeyNotFoundMessage is the one message of every NotFound from
// ResolveKey, so that an absent key and a key the caller may not use cannot
// be told apart.
inline constexpr absl::string_view kKeyNotFoundMessage =
    "no key matches the selector";

// IsVisibleTo reports whether `identity` may use `key` at all: some access
// rule grants it an operation. Invisible keys are reported as absent.
bool IsVisibleTo(const keystore::KeyEntry& key, absl::string_view identity);

// ResolveKey finds the key `selector` (already validated) names in
// `keystore`, for `identity` and `use`, at time `now`:
//  - key_id and certificate_sha256 select one key, CURRENT or PREVIOUS
//    (until its usable_until);
//  - server_name selects, among the CURRENT keys whose certificate covers
//    the host (exact name first, else a wildcard), the first in manifest
//    order that is visible to the caller and allows `use`.
// Errors:
//  - NotFound (always kKeyNotFoundMessage) when no key matches, or none of
//    the matching keys is visible to `identity`;
//  - FailedPrecondition, naming the operation or scheme, when the key is
//    visible but its policy does not grant `use.operation` to `identity`
//    (e.g. raw signing with a key granted only structured signing), its
//    type cannot do it (RSA key exchange with a non-RSA key), or it does
//    not support `use.scheme`.
// The returned entry shares ownership with the keystore snapshot.
absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> ResolveKey(
    const keystore::Keystore& keystore, const v1::KeySelector& selector,
    absl::string_view identity, const KeyUse& use, absl::Time now);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEY_RESOLUTION_H_
