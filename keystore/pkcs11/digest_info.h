#ifndef KEYWARD_KEYSTORE_PKCS11_DIGEST_INFO_H_
#define KEYWARD_KEYSTORE_PKCS11_DIGEST_INFO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore::pkcs11 {

// Pkcs1SignatureInput returns what CKM_RSA_PKCS signs for an RSASSA-PKCS1-
// v1_5 `scheme` (the token adds only the type 1 padding): the DER DigestInfo
// of `digest` (RFC 8017 §9.2 step 2, the fixed prefixes of its note 1) for
// RSA_PKCS1_SHA256/384/512, and the 36 bytes themselves for
// RSA_PKCS1_MD5_SHA1 (RFC 4346 §7.4.3 signs no DigestInfo).
// InvalidArgument for other schemes or a digest of the wrong length.
absl::StatusOr<std::string> Pkcs1SignatureInput(v1::SignatureScheme scheme,
                                                absl::string_view digest);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_DIGEST_INFO_H_
