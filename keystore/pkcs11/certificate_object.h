#ifndef KEYWARD_KEYSTORE_PKCS11_CERTIFICATE_OBJECT_H_
#define KEYWARD_KEYSTORE_PKCS11_CERTIFICATE_OBJECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "keystore/pkcs11/session_pool.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore::pkcs11 {

// ReadCertificateDer returns the DER (CKA_VALUE) of the certificate object
// `uri` names on the token of `pool`. FailedPrecondition naming the URI
// when the token is unreachable, no or several objects match, or the
// value cannot be read.
absl::StatusOr<std::string> ReadCertificateDer(SessionPool& pool,
                                               const ObjectUri& uri);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_CERTIFICATE_OBJECT_H_
