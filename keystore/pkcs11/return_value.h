#ifndef KEYWARD_KEYSTORE_PKCS11_RETURN_VALUE_H_
#define KEYWARD_KEYSTORE_PKCS11_RETURN_VALUE_H_

#include <p11-kit/pkcs11.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace keyward::keystore::pkcs11 {

// ReturnValueName returns the name of a PKCS #11 return value ("CKR_OK",
// "CKR_PIN_INCORRECT", ...), or "CKR_0x<hex>" for values it does not know.
std::string ReturnValueName(CK_RV rv);

// IsTokenLost reports whether `rv` says that the session, the login or the
// token itself went away (a token reset, removal or a module restart):
// CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_USER_NOT_LOGGED_IN,
// CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED,
// CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID,
// CKR_CRYPTOKI_NOT_INITIALIZED. Sessions are then re-opened, the user logged
// in again and object handles looked up again.
bool IsTokenLost(CK_RV rv);

// Pkcs11Error returns the status for `call` failing with `rv`:
// Unavailable when IsTokenLost(rv), Internal otherwise; the message is
// "<call>: <ReturnValueName(rv)>". Return values never carry key material.
absl::Status Pkcs11Error(absl::string_view call, CK_RV rv);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_RETURN_VALUE_H_
