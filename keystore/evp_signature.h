#ifndef KEYWARD_KEYSTORE_EVP_SIGNATURE_H_
#define KEYWARD_KEYSTORE_EVP_SIGNATURE_H_

#include <openssl/evp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keystore/openssl_ptr.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// The OpenSSL calls behind OpenSslPrivateKey. They trust their caller to
// have checked that `scheme` fits `key` (SchemeFitsAlgorithm) and that
// `digest` has the scheme's length; `key` is never owned.

// NewSignContext prepares a context that signs digests with `key` for
// `scheme`, which must not be ED25519: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2;
// for RSA_PKCS1_MD5_SHA1 the 36 bytes are signed without a DigestInfo,
// RFC 4346 §7.4.3), RSASSA-PSS with MGF1 over the same hash and a salt as
// long as the hash (RFC 8446 §4.2.3), or ECDSA with a DER-encoded signature
// (RFC 8446 §4.2.3); it holds a reference to `key`. SignWithContext signs
// one digest with such a context, which may then sign again (one thread at
// a time; EvpSigner keeps them). Internal, with OpenSSL's reason, when
// OpenSSL fails.
absl::StatusOr<EvpPkeyCtxPtr> NewSignContext(EVP_PKEY* key,
                                             v1::SignatureScheme scheme);
absl::StatusOr<std::string> SignWithContext(EVP_PKEY_CTX* ctx,
                                            absl::string_view digest);

// EvpVerifyDigest checks `signature` over `digest` with the public half of
// `key`, with the same parameters as NewSignContext. Internal when it does
// not verify or OpenSSL fails.
absl::Status EvpVerifyDigest(EVP_PKEY* key, v1::SignatureScheme scheme,
                             absl::string_view digest,
                             absl::string_view signature);

// EvpSignEd25519 signs `message` with the Ed25519 `key`: PureEdDSA, the
// message itself with no prehash (RFC 8032 §5.1.6). Internal when OpenSSL
// fails.
absl::StatusOr<std::string> EvpSignEd25519(EVP_PKEY* key,
                                           absl::string_view message);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_EVP_SIGNATURE_H_
