#include "keystore/pkcs11/object_lookup.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/return_value.h"

namespace keyward::keystore::pkcs11 {

absl::StatusOr<CK_OBJECT_HANDLE> FindObject(CK_FUNCTION_LIST* functions,
                                            CK_SESSION_HANDLE session,
                                            const ObjectUri& uri) {
  CK_OBJECT_CLASS object_class = uri.object_class;
  std::vector<CK_ATTRIBUTE> attributes = {
      {CKA_CLASS, &object_class, sizeof(object_class)}};
  if (uri.object_label.has_value()) {
    attributes.push_back({CKA_LABEL,
                          const_cast<char*>(uri.object_label->data()),
                          uri.object_label->size()});
  }
  if (uri.id.has_value()) {
    attributes.push_back(
        {CKA_ID, const_cast<char*>(uri.id->data()), uri.id->size()});
  }
  const std::string name = Describe(uri);
  if (CK_RV rv = functions->C_FindObjectsInit(session, attributes.data(),
                                              attributes.size());
      rv != CKR_OK) {
    return Pkcs11Error(absl::StrCat(name, ": C_FindObjectsInit"), rv);
  }
  // Two are enough to tell "exactly one" from "several".
  CK_OBJECT_HANDLE found[2];
  CK_ULONG count = 0;
  const CK_RV rv = functions->C_FindObjects(session, found, 2, &count);
  const CK_RV final_rv = functions->C_FindObjectsFinal(session);
  if (rv != CKR_OK) {
    return Pkcs11Error(absl::StrCat(name, ": C_FindObjects"), rv);
  }
  if (final_rv != CKR_OK) {
    return Pkcs11Error(absl::StrCat(name, ": C_FindObjectsFinal"), final_rv);
  }
  if (count == 0) {
    return absl::NotFoundError(
        absl::StrCat(name, ": no such object on the token"));
  }
  if (count > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        name, ": several objects match; give both object= and id="));
  }
  return found[0];
}

absl::StatusOr<std::string> GetAttribute(CK_FUNCTION_LIST* functions,
                                         CK_SESSION_HANDLE session,
                                         CK_OBJECT_HANDLE object,
                                         CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE attribute = {type, nullptr, 0};
  if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1);
      rv != CKR_OK) {
    return Pkcs11Error(
        absl::StrCat("C_GetAttributeValue(0x", absl::Hex(type), ") (length)"),
        rv);
  }
  if (attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
    return absl::InternalError(absl::StrCat("C_GetAttributeValue(0x",
                                            absl::Hex(type), "): unavailable"));
  }
  std::string value(attribute.ulValueLen, '\0');
  attribute.pValue = &value[0];
  if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1);
      rv != CKR_OK) {
    return Pkcs11Error(
        absl::StrCat("C_GetAttributeValue(0x", absl::Hex(type), ")"), rv);
  }
  value.resize(attribute.ulValueLen);
  return value;
}

absl::StatusOr<CK_ULONG> GetUlongAttribute(CK_FUNCTION_LIST* functions,
                                           CK_SESSION_HANDLE session,
                                           CK_OBJECT_HANDLE object,
                                           CK_ATTRIBUTE_TYPE type) {
  CK_ULONG value = 0;
  CK_ATTRIBUTE attribute = {type, &value, sizeof(value)};
  if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1);
      rv != CKR_OK) {
    return Pkcs11Error(
        absl::StrCat("C_GetAttributeValue(0x", absl::Hex(type), ")"), rv);
  }
  return value;
}

}  // namespace keyward::keystore::pkcs11
