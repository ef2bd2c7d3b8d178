#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_SIGNATURE_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_SIGNATURE_H_

#include <openssl/core.h>

#include "clients/openssl_provider/provider_key.h"

namespace keyward::provider {

// SignatureFunctions returns the signature (OSSL_OP_SIGNATURE) dispatch
// table for keys of `type`: RSA (PKCS#1 v1.5 and PSS), ECDSA, Ed25519.
// Signing only: verification stays with OpenSSL's default provider, which
// holds the same public keys.
//
// digest_sign_init / digest_sign (one-shot) / digest_sign_update / _final
// are what libssl uses. Init only checks that the key service has a scheme
// for the key and digest: libssl calls it once per candidate signature
// algorithm to probe, so it makes no call. The signature itself is one
// Sign call: RSA and ECDSA send the digest (hashed here), Ed25519 the
// whole message. RSA-PSS is MGF1 with the signature's hash and a salt of
// the hash's length ("digest"); other salt lengths fail. For RSA and ECDSA
// there is also sign_init / sign over a digest computed by the caller (its
// hash is the "digest" parameter, else implied by the digest's length).
const OSSL_DISPATCH* SignatureFunctions(KeyType type);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_SIGNATURE_H_
