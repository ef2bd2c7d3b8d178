#ifndef KEYWARD_KEYSTORE_PKCS11_OBJECT_LOOKUP_H_
#define KEYWARD_KEYSTORE_PKCS11_OBJECT_LOOKUP_H_

#include <p11-kit/pkcs11.h>

#include <string>

#include "absl/status/statusor.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore::pkcs11 {

// FindObject returns the handle of the one object of uri.object_class whose
// label and id are those `uri` gives (either may be left open). NotFound
// when no object matches (or the user may not see it: log in first),
// FailedPrecondition when several do; PKCS #11 failures as Pkcs11Error.
// Each error message names the URI.
absl::StatusOr<CK_OBJECT_HANDLE> FindObject(CK_FUNCTION_LIST* functions,
                                            CK_SESSION_HANDLE session,
                                            const ObjectUri& uri);

// GetAttribute returns the value of one attribute of `object` (e.g.
// CKA_VALUE of a certificate, CKA_MODULUS of an RSA key). Pkcs11Error on
// failure; CKR_ATTRIBUTE_SENSITIVE for attributes that never leave the
// token.
absl::StatusOr<std::string> GetAttribute(CK_FUNCTION_LIST* functions,
                                         CK_SESSION_HANDLE session,
                                         CK_OBJECT_HANDLE object,
                                         CK_ATTRIBUTE_TYPE type);

// GetUlongAttribute returns a CK_ULONG attribute (CKA_KEY_TYPE, ...).
absl::StatusOr<CK_ULONG> GetUlongAttribute(CK_FUNCTION_LIST* functions,
                                           CK_SESSION_HANDLE session,
                                           CK_OBJECT_HANDLE object,
                                           CK_ATTRIBUTE_TYPE type);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_OBJECT_LOOKUP_H_
