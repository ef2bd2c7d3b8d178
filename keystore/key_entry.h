#ifndef KEYWARD_KEYSTORE_KEY_ENTRY_H_
#define KEYWARD_KEYSTORE_KEY_ENTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/private_key.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// AccessGrant: identities (exact, or a prefix ending in one "*") and the
// operations they are granted. See keystore/manifest.proto.
struct AccessGrant {
  std::vector<std::string> identity_patterns;
  std::vector<v1::Operation> operations;
};

// KeyEntry: one loaded key, its public description and its policy.
// Immutable once the keystore snapshot that holds it is built.
struct KeyEntry {
  std::string key_id;  // lowercase hex SHA-256 of spki_der
  std::string name;
  uint32_t version = 1;
  v1::KeyState state = v1::KEY_STATE_CURRENT;
  absl::Time usable_until = absl::InfiniteFuture();  // PREVIOUS keys only

  v1::KeyAlgorithm algorithm = v1::KEY_ALGORITHM_UNSPECIFIED;
  uint32_t key_bits = 0;
  std::string spki_der;
  std::vector<std::string> certificate_chain_der;  // leaf first
  std::string certificate_sha256;                  // 32 raw bytes
  std::vector<std::string> host_names;  // lowercase; may hold "*.x.y"
  absl::Time not_before;
  absl::Time not_after;

  std::vector<AccessGrant> grants;
  bool allow_legacy_md5_sha1 = false;

  std::shared_ptr<const PrivateKey> private_key;

  // Allows reports whether `identity` may perform `operation` with this
  // key. Default deny.
  bool Allows(absl::string_view identity, v1::Operation operation) const;

  // AllowedOperations lists what `identity` may do, in enum order.
  std::vector<v1::Operation> AllowedOperations(
      absl::string_view identity) const;

  // SupportedSchemes lists the signature schemes the key's type and policy
  // allow (RSA: PKCS#1 v1.5 and PSS with SHA-256/384/512, plus MD5+SHA-1
  // when allowed; ECDSA: the scheme of its curve; Ed25519: ED25519).
  std::vector<v1::SignatureScheme> SupportedSchemes() const;

  // SupportsScheme is SupportedSchemes() contains `scheme`.
  bool SupportsScheme(v1::SignatureScheme scheme) const;
};

// IdentityMatches reports whether `identity` matches `pattern`: equal, or
// `pattern` ends in "*" and `identity` is the part before it followed by
// at least one more character.
bool IdentityMatches(absl::string_view pattern, absl::string_view identity);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_KEY_ENTRY_H_
