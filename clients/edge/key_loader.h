#ifndef KEYWARD_CLIENTS_EDGE_KEY_LOADER_H_
#define KEYWARD_CLIENTS_EDGE_KEY_LOADER_H_

#include <openssl/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "clients/openssl_provider/openssl_ptr.h"

namespace keyward::edge {

// LoadPrivateKey opens `uri` with OSSL_STORE in `libctx` (e.g.
// "keyward:host=www.example.test", served by the keyward provider loaded
// there) and returns the first private key it holds; the key object may
// hold no key material at all, only a reference that the provider that
// made it resolves. NotFound when the URI yields no private key; Unavailable
// when it cannot be opened or loaded, with OpenSSL's errors (which carry
// the key service's status for keyward: URIs).
absl::StatusOr<openssl::EvpPkeyPtr> LoadPrivateKey(OSSL_LIB_CTX* libctx,
                                                   const std::string& uri);

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_KEY_LOADER_H_
