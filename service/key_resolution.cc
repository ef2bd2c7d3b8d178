#include "service/key_resolution.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/signature_scheme.h"

namespace keyward::service {
namespace {

absl::Status KeyNotFound() { return absl::NotFoundError(kKeyNotFoundMessage); }

// CheckUse returns OK when `key` (visible to `identity`) can serve `use`,
// FailedPrecondition saying why not otherwise.
absl::Status CheckUse(const keystore::KeyEntry& key, absl::string_view identity,
                      const KeyUse& use) {
  if (use.operation == v1::OPERATION_UNSPECIFIED) return absl::OkStatus();
  const std::string operation = v1::Operation_Name(use.operation);
  if (!key.Allows(identity, use.operation)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the key's policy does not grant ", operation, " to this caller"));
  }
  if (use.operation == v1::OPERATION_RSA_KEY_EXCHANGE &&
      key.algorithm != v1::KEY_ALGORITHM_RSA) {
    return absl::FailedPreconditionError(
        absl::StrCat(operation, " needs an RSA key, this key is ",
                     v1::KeyAlgorithm_Name(key.algorithm)));
  }
  if (use.scheme != v1::SIGNATURE_SCHEME_UNSPECIFIED &&
      !key.SupportsScheme(use.scheme)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the key (", v1::KeyAlgorithm_Name(key.algorithm),
                     ") does not allow scheme ", SchemeName(use.scheme)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> ResolveByName(
    const keystore::Keystore& keystore, absl::string_view server_name,
    absl::string_view identity, const KeyUse& use) {
  const std::vector<std::shared_ptr<const keystore::KeyEntry>> candidates =
      keystore.FindByServerName(absl::AsciiStrToLower(server_name));
  absl::Status first_refusal = KeyNotFound();
  for (const std::shared_ptr<const keystore::KeyEntry>& key : candidates) {
    if (!IsVisibleTo(*key, identity)) continue;
    absl::Status usable = CheckUse(*key, identity, use);
    if (usable.ok()) return key;
    if (absl::IsNotFound(first_refusal)) first_refusal = usable;
  }
  return first_refusal;
}

}  // namespace

bool IsVisibleTo(const keystore::KeyEntry& key, absl::string_view identity) {
  return !key.AllowedOperations(identity).empty();
}

absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> ResolveKey(
    const keystore::Keystore& keystore, const v1::KeySelector& selector,
    absl::string_view identity, const KeyUse& use, absl::Time now) {
  std::shared_ptr<const keystore::KeyEntry> key;
  switch (selector.selector_case()) {
    case v1::KeySelector::kKeyId:
      key = keystore.FindByKeyId(selector.key_id(), now);
      break;
    case v1::KeySelector::kCertificateSha256:
      key =
          keystore.FindByCertificateSha256(selector.certificate_sha256(), now);
      break;
    case v1::KeySelector::kServerName:
      return ResolveByName(keystore, selector.server_name(), identity, use);
    case v1::KeySelector::SELECTOR_NOT_SET:
      break;
  }
  if (key == nullptr || !IsVisibleTo(*key, identity)) return KeyNotFound();
  if (absl::Status usable = CheckUse(*key, identity, use); !usable.ok()) {
    return usable;
  }
  return key;
}

}  // namespace keyward::service
