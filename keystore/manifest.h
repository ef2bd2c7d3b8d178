#ifndef KEYWARD_KEYSTORE_MANIFEST_H_
#define KEYWARD_KEYSTORE_MANIFEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/manifest.pb.h"

namespace keyward::keystore {

// The manifest's file name inside a keystore directory.
inline constexpr char kManifestFileName[] = "manifest.textproto";

// KeySpec: one validated manifest entry.
struct KeySpec {
  KeyConfig config;      // as written
  uint32_t version = 1;  // config.version(), with 0 read as 1
  // The highest version of its name: the CURRENT key. The others are
  // PREVIOUS keys with a usable_until.
  bool current = false;
  absl::Time usable_until = absl::InfiniteFuture();
  // "<file>:<line>:<column>" of the entry, for messages.
  std::string location;
  // The pkcs11_token entries that config.pkcs11_uri and
  // config.certificate_pkcs11_uri name, when they are set.
  std::optional<Pkcs11Token> key_token;
  std::optional<Pkcs11Token> certificate_token;
};

// ParseManifest parses `text` (protobuf text format, keystore/manifest.proto)
// and validates it. `file_name` only labels messages. Returns the entries in
// manifest order, or InvalidArgument "<file>:<line>:<column>: <reason>"
// for the first problem: a syntax error or unknown field; a name outside
// [a-z0-9._-]{1,64}; no entry at all; a (name, version) pair used twice;
// a missing or
// unparsable RFC 3339 usable_until on a version that is not its name's
// highest, or one on the highest; an empty or absolute file path; an
// invalid passphrase_env name; an allow rule without identities or
// operations; an identity with a "*" anywhere but at its end; an
// unspecified or unknown operation.
absl::StatusOr<std::vector<KeySpec>> ParseManifest(absl::string_view text,
                                                   absl::string_view file_name);

// ReadManifestFile reads and parses the manifest at `path`.
// FailedPrecondition naming `path` when it cannot be read; otherwise as
// ParseManifest.
absl::StatusOr<std::vector<KeySpec>> ReadManifestFile(const std::string& path);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_MANIFEST_H_
