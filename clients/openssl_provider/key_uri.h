#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_URI_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_URI_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/types.pb.h"

namespace keyward::provider {

// kKeyUriScheme is the URI scheme of keys held by the key service, and the
// name of the provider's OSSL_STORE loader.
inline constexpr char kKeyUriScheme[] = "keyward";

// ParseKeyUri reads a key URI, "keyward:<selector>" (scheme compared
// case-insensitively), into the KeySelector it names. The selector is one
// of
//   id=<key id>              64 hex digits: SHA-256 of the key's
//                            SubjectPublicKeyInfo (as `keyward keys` shows)
//   host=<server name>       the CURRENT key whose certificate covers the
//                            host name (exact name before wildcard; the
//                            first in keystore manifest order)
//   cert-sha256=<digest>     64 hex digits: SHA-256 of the leaf
//                            certificate (DER)
// e.g. "keyward:host=rsa-2048.dev.keyward.test". Hex may be in either case
// (key ids are sent in lowercase). InvalidArgument naming what is wrong;
// the host name's syntax is left to the key service to check.
absl::StatusOr<v1::KeySelector> ParseKeyUri(absl::string_view uri);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_URI_H_
