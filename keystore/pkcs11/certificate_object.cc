#include "keystore/pkcs11/certificate_object.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/object_lookup.h"

namespace keyward::keystore::pkcs11 {

absl::StatusOr<std::string> ReadCertificateDer(SessionPool& pool,
                                               const ObjectUri& uri) {
  const auto failed = [&](const absl::Status& status) {
    return absl::FailedPreconditionError(
        absl::StrCat(Describe(uri), ": ", status.message()));
  };
  absl::StatusOr<SessionPool::Session> session = pool.Acquire();
  if (!session.ok()) return failed(session.status());
  absl::StatusOr<CK_OBJECT_HANDLE> object =
      FindObject(pool.functions(), session->handle(), uri);
  if (!object.ok()) {
    return absl::FailedPreconditionError(object.status().message());
  }
  absl::StatusOr<std::string> der =
      GetAttribute(pool.functions(), session->handle(), *object, CKA_VALUE);
  if (!der.ok()) return failed(der.status());
  return der;
}

}  // namespace keyward::keystore::pkcs11
