#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_STORE_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_STORE_H_

#include <openssl/core.h>

namespace keyward::provider {

// StoreFunctions returns the OSSL_STORE loader (OSSL_OP_STORE) dispatch
// table for the "keyward" URI scheme (see key_uri.h for the syntax).
//
// A keyward: URI holds one object, the key: open parses the URI (no call
// yet), load asks the key service for the key (GetKey) and passes it by
// reference, as data-type "RSA", "EC" or "ED25519", to this provider's key
// management, which takes it over. Loading with an expectation other than
// a key (e.g. certificates) yields nothing. export_object always fails:
// a copy of the public half in another provider would be a key that
// cannot sign, so libcrypto must keep this provider's key.
const OSSL_DISPATCH* StoreFunctions();

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_STORE_H_
