#include "keystore/pkcs11/uri.h"

#include <p11-kit/uri.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace keyward::keystore::pkcs11 {
namespace {

using UriPtr = std::unique_ptr<P11KitUri, decltype(&p11_kit_uri_free)>;

absl::Status UriError(absl::string_view uri, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("PKCS #11 URI \"", uri, "\": ", reason));
}

std::optional<std::string> StringAttribute(P11KitUri* uri,
                                           CK_ATTRIBUTE_TYPE type) {
  const CK_ATTRIBUTE* attribute = p11_kit_uri_get_attribute(uri, type);
  if (attribute == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(attribute->pValue),
                     attribute->ulValueLen);
}

absl::string_view ClassName(CK_OBJECT_CLASS object_class) {
  switch (object_class) {
    case CKO_PRIVATE_KEY:
      return "private";
    case CKO_PUBLIC_KEY:
      return "public";
    case CKO_CERTIFICATE:
      return "cert";
    case CKO_SECRET_KEY:
      return "secret-key";
    case CKO_DATA:
      return "data";
    default:
      return "other";
  }
}

}  // namespace

// Blanks are PKCS #11's padding; NULs are left where a URI sets no label.
std::string TokenLabelOf(const CK_TOKEN_INFO& info) {
  absl::string_view label(reinterpret_cast<const char*>(info.label),
                          sizeof(info.label));
  const size_t end = label.find_last_not_of(absl::string_view(" \0", 2));
  return std::string(label.substr(0, end == label.npos ? 0 : end + 1));
}

absl::StatusOr<ObjectUri> ParseObjectUri(absl::string_view uri,
                                         CK_OBJECT_CLASS object_class) {
  UriPtr parsed(p11_kit_uri_new(), p11_kit_uri_free);
  if (parsed == nullptr) return absl::ResourceExhaustedError("p11_kit_uri_new");
  const std::string text(uri);
  if (int code = p11_kit_uri_parse(
          text.c_str(), P11_KIT_URI_FOR_OBJECT_ON_TOKEN, parsed.get());
      code != P11_KIT_URI_OK) {
    return UriError(uri, p11_kit_uri_message(code));
  }
  if (p11_kit_uri_any_unrecognized(parsed.get())) {
    return UriError(uri, "holds attributes that are not understood");
  }
  if (p11_kit_uri_get_pin_value(parsed.get()) != nullptr ||
      p11_kit_uri_get_pin_source(parsed.get()) != nullptr) {
    return UriError(uri,
                    "must not carry a PIN; configure pin_file or pin_env on "
                    "the pkcs11_token");
  }
  ObjectUri out;
  out.token_label = TokenLabelOf(*p11_kit_uri_get_token_info(parsed.get()));
  if (out.token_label.empty()) {
    return UriError(uri, "names no token (token=<label>)");
  }
  out.object_class = object_class;
  if (const CK_ATTRIBUTE* type =
          p11_kit_uri_get_attribute(parsed.get(), CKA_CLASS);
      type != nullptr) {
    CK_OBJECT_CLASS named = CKO_DATA;
    if (type->ulValueLen != sizeof(named)) {
      return UriError(uri, "has a malformed type=");
    }
    named = *static_cast<const CK_OBJECT_CLASS*>(type->pValue);
    if (named != object_class) {
      return UriError(uri, absl::StrCat("type=", ClassName(named),
                                        " where type=", ClassName(object_class),
                                        " is needed"));
    }
  }
  out.object_label = StringAttribute(parsed.get(), CKA_LABEL);
  out.id = StringAttribute(parsed.get(), CKA_ID);
  if (!out.object_label.has_value() && !out.id.has_value()) {
    return UriError(uri, "names no object (object=<label> or id=<bytes>)");
  }
  return out;
}

std::string Describe(const ObjectUri& uri) {
  std::string out = absl::StrCat("pkcs11:token=", uri.token_label);
  if (uri.object_label.has_value()) {
    absl::StrAppend(&out, ";object=", *uri.object_label);
  }
  if (uri.id.has_value()) {
    absl::StrAppend(&out, ";id=0x", absl::BytesToHexString(*uri.id));
  }
  absl::StrAppend(&out, ";type=", ClassName(uri.object_class));
  return out;
}

}  // namespace keyward::keystore::pkcs11
