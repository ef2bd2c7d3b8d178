#ifndef KEYWARD_KEYSTORE_PKCS11_ECDSA_DER_H_
#define KEYWARD_KEYSTORE_PKCS11_ECDSA_DER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::keystore::pkcs11 {

// EcdsaRawToDer converts a CKM_ECDSA signature, r || s with both halves
// equally long (PKCS #11 3.0 §2.3.1), to the DER Ecdsa-Sig-Value TLS sends
// (RFC 8446 §4.2.3, RFC 3279 §2.2.3). InvalidArgument for an empty or odd
// length; Internal if OpenSSL fails.
absl::StatusOr<std::string> EcdsaRawToDer(absl::string_view raw);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_ECDSA_DER_H_
