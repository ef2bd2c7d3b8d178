#include "keystore/key_entry.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "keystore/signature_scheme.h"

namespace keyward::keystore {

bool IdentityMatches(absl::string_view pattern, absl::string_view identity) {
  if (!absl::EndsWith(pattern, "*")) return pattern == identity;
  const absl::string_view prefix = pattern.substr(0, pattern.size() - 1);
  return identity.size() > prefix.size() && absl::StartsWith(identity, prefix);
}

bool KeyEntry::Allows(absl::string_view identity,
                      v1::Operation operation) const {
  for (const AccessGrant& grant : grants) {
    const bool has_operation =
        std::find(grant.operations.begin(), grant.operations.end(),
                  operation) != grant.operations.end();
    if (!has_operation) continue;
    for (const std::string& pattern : grant.identity_patterns) {
      if (IdentityMatches(pattern, identity)) return true;
    }
  }
  return false;
}

std::vector<v1::Operation> KeyEntry::AllowedOperations(
    absl::string_view identity) const {
  std::vector<v1::Operation> out;
  for (int value = v1::Operation_MIN; value <= v1::Operation_MAX; ++value) {
    if (!v1::Operation_IsValid(value) || value == v1::OPERATION_UNSPECIFIED) {
      continue;
    }
    const auto operation = static_cast<v1::Operation>(value);
    if (Allows(identity, operation)) out.push_back(operation);
  }
  return out;
}

std::vector<v1::SignatureScheme> KeyEntry::SupportedSchemes() const {
  std::vector<v1::SignatureScheme> out;
  for (v1::SignatureScheme scheme : KnownSignatureSchemes()) {
    if (SupportsScheme(scheme)) out.push_back(scheme);
  }
  return out;
}

bool KeyEntry::SupportsScheme(v1::SignatureScheme scheme) const {
  if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1 &&
      !allow_legacy_md5_sha1) {
    return false;
  }
  return SchemeFitsAlgorithm(scheme, algorithm);
}

}  // namespace keyward::keystore
