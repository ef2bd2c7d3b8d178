#ifndef KEYWARD_KEYSTORE_FILE_READER_H_
#define KEYWARD_KEYSTORE_FILE_READER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "handshake/secret_bytes.h"

namespace keyward::keystore {

// The largest keystore file read (keys, chains, passphrases, the manifest).
inline constexpr size_t kMaxKeystoreFileSize = 1 << 20;

// ReadPublicFile returns the contents of the regular file at `path` (a
// certificate chain or the manifest). FailedPrecondition naming `path` and
// the reason when it cannot be opened or read, is not a regular file or is
// larger than kMaxKeystoreFileSize.
absl::StatusOr<std::string> ReadPublicFile(const std::string& path);

// ReadSecretFile is ReadPublicFile for a file holding a secret (a private
// key or a passphrase): it also refuses, like ssh does, a file that group
// or others may access (any bit of mode 077), except that a file owned by
// root may be readable (only) by its group, as Kubernetes mounts a Secret
// for a non-root pod with an fsGroup (0440); the returned buffer, like
// every buffer it read into, is cleansed when freed. The mode is checked on
// the opened file, so a file swapped in after the check is never read.
absl::StatusOr<handshake::SecretBytes> ReadSecretFile(const std::string& path);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_FILE_READER_H_
