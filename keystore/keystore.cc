#include "keystore/keystore.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "keystore/host_name.h"
#include "keystore/key_loader.h"
#include "keystore/manifest.h"

namespace keyward::keystore {
namespace {

bool UsableAt(const KeyEntry& entry, absl::Time now) {
  return now < entry.usable_until;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Keystore>> Keystore::LoadFromDirectory(
    const std::string& directory, absl::Time now,
    std::vector<std::string>* warnings) {
  std::vector<std::string> discarded;
  std::vector<std::string>& out_warnings =
      warnings == nullptr ? discarded : *warnings;
  absl::StatusOr<std::vector<KeySpec>> specs =
      ReadManifestFile(absl::StrCat(directory, "/", kManifestFileName));
  if (!specs.ok()) {
    return absl::FailedPreconditionError(specs.status().message());
  }
  std::shared_ptr<Keystore> keystore(new Keystore());
  keystore->loaded_at_ = now;
  // Key id -> the file (or URI) it was loaded from, to name both of a
  // clash.
  absl::flat_hash_map<std::string, std::string> key_files;
  // The PKCS #11 tokens' session pools, shared by the keys on each.
  pkcs11::TokenSet tokens(directory);
  for (const KeySpec& spec : *specs) {
    if (!spec.current && spec.usable_until <= now) {
      out_warnings.push_back(
          absl::StrCat(spec.location, ": key \"", spec.config.name(),
                       "\" version ", spec.version, " was usable until ",
                       absl::FormatTime(absl::RFC3339_sec, spec.usable_until,
                                        absl::UTCTimeZone()),
                       "; not loaded"));
      continue;
    }
    absl::StatusOr<std::shared_ptr<const KeyEntry>> entry =
        LoadKeyEntry(directory, spec, now, out_warnings, tokens);
    if (!entry.ok()) {
      return absl::FailedPreconditionError(entry.status().message());
    }
    std::string key_file = KeySource(directory, spec.config);
    auto [it, inserted] = key_files.emplace((*entry)->key_id, key_file);
    if (!inserted) {
      return absl::FailedPreconditionError(absl::StrCat(
          spec.location, ": ", key_file, ": the same key as ", it->second,
          " (key id ", it->first, "); a key may appear only once"));
    }
    keystore->Add(*std::move(entry));
  }
  return std::shared_ptr<const Keystore>(std::move(keystore));
}

void Keystore::Add(EntryPtr entry) {
  by_key_id_[entry->key_id] = entry;
  by_certificate_sha256_[entry->certificate_sha256] = entry;
  for (const std::string& name : entry->host_names) {
    std::vector<EntryPtr>& entries = by_host_name_[name];
    if (entries.empty() || entries.back() != entry) entries.push_back(entry);
  }
  keys_.push_back(std::move(entry));
}

std::shared_ptr<const KeyEntry> Keystore::FindByKeyId(absl::string_view key_id,
                                                      absl::Time now) const {
  auto it = by_key_id_.find(key_id);
  if (it == by_key_id_.end() || !UsableAt(*it->second, now)) return nullptr;
  return it->second;
}

std::shared_ptr<const KeyEntry> Keystore::FindByCertificateSha256(
    absl::string_view sha256, absl::Time now) const {
  auto it = by_certificate_sha256_.find(sha256);
  if (it == by_certificate_sha256_.end() || !UsableAt(*it->second, now)) {
    return nullptr;
  }
  return it->second;
}

std::vector<std::shared_ptr<const KeyEntry>> Keystore::FindByServerName(
    absl::string_view host) const {
  const std::string lower = absl::AsciiStrToLower(host);
  std::vector<EntryPtr> out;
  // RFC 6125 §6.4: an exact name wins; a wildcard is the fallback.
  for (const std::string& name : {lower, WildcardNameFor(lower)}) {
    if (name.empty()) continue;
    auto it = by_host_name_.find(name);
    if (it == by_host_name_.end()) continue;
    for (const EntryPtr& entry : it->second) {
      if (entry->state == v1::KEY_STATE_CURRENT) out.push_back(entry);
    }
    if (!out.empty()) return out;
  }
  return out;
}

std::vector<std::shared_ptr<const KeyEntry>> Keystore::ListCovering(
    absl::string_view host) const {
  const std::string lower = absl::AsciiStrToLower(host);
  std::vector<EntryPtr> out;
  for (const EntryPtr& entry : keys_) {
    for (const std::string& name : entry->host_names) {
      if (CertificateNameCovers(name, lower)) {
        out.push_back(entry);
        break;
      }
    }
  }
  return out;
}

}  // namespace keyward::keystore
