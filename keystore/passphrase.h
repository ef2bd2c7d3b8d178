#ifndef KEYWARD_KEYSTORE_PASSPHRASE_H_
#define KEYWARD_KEYSTORE_PASSPHRASE_H_

#include <string>

#include "absl/status/statusor.h"
#include "handshake/secret_bytes.h"

namespace keyward::keystore {

// ReadPassphraseFile returns the first line of the file at `path` (without
// its "\n" or "\r\n"), the passphrase of an encrypted private key. The file
// is read like a private key (ReadSecretFile: refused when group or others
// may access it) and every copy is cleansed. FailedPrecondition naming
// `path` when it cannot be read or its first line is empty.
absl::StatusOr<handshake::SecretBytes> ReadPassphraseFile(
    const std::string& path);

// ReadPassphraseEnv returns the value of the environment variable
// `variable`. FailedPrecondition naming the variable when it is unset or
// empty. The environment's own copy is left in place (a reload reads it
// again).
absl::StatusOr<handshake::SecretBytes> ReadPassphraseEnv(
    const std::string& variable);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_PASSPHRASE_H_
