#ifndef KEYWARD_SERVICE_SIGNATURE_SCHEME_H_
#define KEYWARD_SERVICE_SIGNATURE_SCHEME_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/types.pb.h"

namespace keyward::service {

// CheckSignatureScheme returns OK for a known scheme other than UNSPECIFIED,
// and InvalidArgument naming `field` otherwise (proto3 keeps unknown enum
// numbers, so any int32 can arrive).
absl::Status CheckSignatureScheme(v1::SignatureScheme scheme,
                                  absl::string_view field);

// SchemeDigestLength is the length of the digest `scheme` signs: 32, 48 or
// 64 for the SHA-2 schemes, 36 (MD5 || SHA-1) for RSA_PKCS1_MD5_SHA1, and 0
// for ED25519 (which signs messages, never digests) and unknown values.
size_t SchemeDigestLength(v1::SignatureScheme scheme);

// AllowedInTls13CertificateVerify reports whether `scheme` may sign a TLS
// 1.3 CertificateVerify: RSA-PSS, ECDSA and Ed25519, never PKCS#1 v1.5
// (RFC 8446 §4.2.3, §4.4.3) nor the legacy MD5+SHA-1 form.
bool AllowedInTls13CertificateVerify(v1::SignatureScheme scheme);

// SchemeName returns the enum value's name, or its number for an unknown
// value, for error messages.
std::string SchemeName(v1::SignatureScheme scheme);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SIGNATURE_SCHEME_H_
