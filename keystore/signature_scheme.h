#ifndef KEYWARD_KEYSTORE_SIGNATURE_SCHEME_H_
#define KEYWARD_KEYSTORE_SIGNATURE_SCHEME_H_

#include <openssl/evp.h>

#include <cstddef>

#include "absl/types/span.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// KnownSignatureSchemes lists every scheme the keystore implements, in the
// order of keyward.v1.SignatureScheme's declaration (RFC 8446 §4.2.3 code
// points, then the legacy RSA MD5+SHA-1 form).
absl::Span<const v1::SignatureScheme> KnownSignatureSchemes();

// SchemeFitsAlgorithm reports whether a key of `algorithm` can produce
// `scheme`: RSA keys the PKCS#1 v1.5, RSA-PSS (rsae) and MD5+SHA-1 schemes;
// ECDSA keys only the scheme of their own curve (RFC 8446 §4.2.3 binds the
// curve to the hash); Ed25519 keys only ED25519. Policy (e.g. whether
// MD5+SHA-1 is allowed) is not considered here.
bool SchemeFitsAlgorithm(v1::SignatureScheme scheme,
                         v1::KeyAlgorithm algorithm);

// SchemeDigest returns the scheme's hash (EVP_md5_sha1() for
// RSA_PKCS1_MD5_SHA1; static, never freed), or nullptr for ED25519 (which
// hashes internally) and for values that are not known schemes.
const EVP_MD* SchemeDigest(v1::SignatureScheme scheme);

// IsRsaPssScheme reports whether `scheme` is one of rsa_pss_rsae_sha*.
bool IsRsaPssScheme(v1::SignatureScheme scheme);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_SIGNATURE_SCHEME_H_
