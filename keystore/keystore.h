#ifndef KEYWARD_KEYSTORE_KEYSTORE_H_
#define KEYWARD_KEYSTORE_KEYSTORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/key_entry.h"

namespace keyward::keystore {

// Keystore: an immutable snapshot of every loaded key, with the indexes the
// key selectors need. Safe for concurrent use. Reloading builds a new
// snapshot (see KeystoreHolder); operations in flight keep theirs alive
// through the shared_ptr they hold.
class Keystore {
 public:
  // LoadFromDirectory reads `directory`/manifest.textproto and every key
  // and certificate it names: from files, or on PKCS #11 tokens (one
  // session pool per token per snapshot, logged in during the load; a wrong
  // PIN, a missing token or object, or a token key that does not match its
  // certificate fails the load like a bad file does). Fails (FailedPrecondition, the message naming
  // the file and the reason) when any file is missing, unreadable, corrupt
  // or readable by group/others (private keys), when a certificate does not
  // match its key, when a key is weak (RSA < 2048 bits, a curve other than
  // P-256/P-384), when a passphrase is wrong or missing, or when names and
  // versions clash, or when two entries hold the same key. A certificate
  // that is expired or not yet valid is loaded, with a warning appended to
  // `warnings`. `now` decides rotation states: a PREVIOUS key whose
  // usable_until is not after `now` is not loaded (its files are not even
  // read), with a warning. `warnings` may be null.
  static absl::StatusOr<std::shared_ptr<const Keystore>> LoadFromDirectory(
      const std::string& directory, absl::Time now,
      std::vector<std::string>* warnings);

  // Keys in manifest order.
  const std::vector<std::shared_ptr<const KeyEntry>>& keys() const {
    return keys_;
  }

  // FindByKeyId / FindByCertificateSha256 (32 raw bytes): nullptr when
  // absent, or when the key's usable_until is not after `now`.
  std::shared_ptr<const KeyEntry> FindByKeyId(absl::string_view key_id,
                                              absl::Time now) const;
  std::shared_ptr<const KeyEntry> FindByCertificateSha256(
      absl::string_view sha256, absl::Time now) const;

  // FindByServerName: the CURRENT keys whose certificate names `host`
  // exactly (case-insensitive) or, if none does, through a wildcard that
  // replaces exactly the leftmost label (see WildcardNameFor); in manifest
  // order. `host` must already be validated.
  std::vector<std::shared_ptr<const KeyEntry>> FindByServerName(
      absl::string_view host) const;

  // ListCovering: the keys (CURRENT and PREVIOUS) whose certificate covers
  // `host` exactly or through a wildcard, in manifest order, for ListKeys
  // filtering.
  std::vector<std::shared_ptr<const KeyEntry>> ListCovering(
      absl::string_view host) const;

  // The `now` the snapshot was loaded at.
  absl::Time loaded_at() const { return loaded_at_; }

 private:
  using EntryPtr = std::shared_ptr<const KeyEntry>;

  Keystore() = default;

  // Add appends `entry`, whose key id must be new, to keys_ and the indexes.
  void Add(EntryPtr entry);

  std::vector<EntryPtr> keys_;
  absl::flat_hash_map<std::string, EntryPtr> by_key_id_;
  absl::flat_hash_map<std::string, EntryPtr> by_certificate_sha256_;
  // Certificate host name (lowercase; wildcards as "*.example.com") ->
  // entries in manifest order.
  absl::flat_hash_map<std::string, std::vector<EntryPtr>> by_host_name_;
  absl::Time loaded_at_;
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_KEYSTORE_H_
