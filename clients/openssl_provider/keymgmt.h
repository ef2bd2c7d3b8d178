#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEYMGMT_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEYMGMT_H_

#include <openssl/core.h>

#include "clients/openssl_provider/provider_key.h"

namespace keyward::provider {

// KeymgmtFunctions returns the key management (OSSL_OP_KEYMGMT) dispatch
// table for keys of `type`; the keydata is ProviderKey.
//
// What libcrypto and libssl need from it (see the provider notes):
//  - load: takes over a key the store made (by reference);
//  - has(PRIVATE_KEY) is true for store keys, so that they load as private
//    keys; the private half is in the key service;
//  - new + import (public and domain parts only) + match, which
//    EVP_PKEY_eq uses to compare the key with its certificate's;
//  - get_params answered by the public half (bits, security-bits,
//    max-size, EC "group" as an OBJ short name, ...);
//  - export of public parts only: an export whose selection includes the
//    private key fails, so that libcrypto falls back to this provider's
//    own signature and cipher instead of a copy without the private half;
//  - for EC, "ECDSA" as the name of its signature algorithm.
const OSSL_DISPATCH* KeymgmtFunctions(KeyType type);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEYMGMT_H_
