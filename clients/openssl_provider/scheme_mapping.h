#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_SCHEME_MAPPING_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_SCHEME_MAPPING_H_

#include <openssl/evp.h>

#include "absl/status/statusor.h"
#include "keyward/v1/types.pb.h"

namespace keyward::provider {

// KeyAlgorithmOf names the kind of `public_key` as the key service does:
// RSA (any size), ECDSA P-256 or P-384, Ed25519; UNSPECIFIED for anything
// else (other curves, DSA, ...).
v1::KeyAlgorithm KeyAlgorithmOf(const EVP_PKEY* public_key);

// SignatureSchemeFor returns the key service's SignatureScheme (a TLS
// SignatureScheme, RFC 8446 §4.2.3) for a signature by a key of
// `algorithm` over a digest of type `md_nid` (NID_undef for Ed25519, which
// signs the message itself), with RSA padding `rsa_padding`
// (RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING; ignored for other keys).
// RSA-PSS is always MGF1 with the same hash and a salt as long as the
// hash. FailedPrecondition naming the combination when the service offers
// no such scheme: e.g. SHA-1 or SHA-224, ECDSA P-256 with SHA-384 (TLS 1.3
// binds the curve to the hash, and the service keeps that rule), or a
// digest for Ed25519.
absl::StatusOr<v1::SignatureScheme> SignatureSchemeFor(
    v1::KeyAlgorithm algorithm, int md_nid, int rsa_padding);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_SCHEME_MAPPING_H_
