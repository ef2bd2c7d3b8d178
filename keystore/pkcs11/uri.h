#ifndef KEYWARD_KEYSTORE_PKCS11_URI_H_
#define KEYWARD_KEYSTORE_PKCS11_URI_H_

#include <p11-kit/pkcs11.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::keystore::pkcs11 {

// ObjectUri: what an RFC 7512 "pkcs11:" URI in the manifest names: one
// object of one class on the token with the given label.
struct ObjectUri {
  std::string token_label;                  // "token=", required
  CK_OBJECT_CLASS object_class = CKO_DATA;  // "type=", or the default
  std::optional<std::string> object_label;  // "object="
  std::optional<std::string> id;            // "id=", raw bytes
};

// ParseObjectUri parses `uri` with p11-kit's RFC 7512 parser. `object_class`
// is the class the caller needs (CKO_PRIVATE_KEY for a key, CKO_CERTIFICATE
// for a certificate); a "type=" attribute may repeat it ("private", "cert")
// and must not name another. InvalidArgument, with the reason, when `uri`
// does not parse, names no token label, names neither an object label nor
// an id, has a "type=" of another class, carries a PIN ("pin-value=" or
// "pin-source=": PINs come from the token's configuration only) or has
// attributes p11-kit does not recognise.
absl::StatusOr<ObjectUri> ParseObjectUri(absl::string_view uri,
                                         CK_OBJECT_CLASS object_class);

// TokenLabelOf returns the token's label without its blank padding.
std::string TokenLabelOf(const CK_TOKEN_INFO& info);

// Describe formats `uri` for messages: "pkcs11:token=...;object=..." with
// the id, if any, in hex.
std::string Describe(const ObjectUri& uri);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_URI_H_
