#ifndef KEYWARD_KEYSTORE_KEY_LOADER_H_
#define KEYWARD_KEYSTORE_KEY_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "keystore/key_entry.h"
#include "keystore/manifest.h"
#include "keystore/pkcs11/token_set.h"

namespace keyward::keystore {

// LoadKeyEntry loads the private key and certificate chain that `spec`
// names (paths relative to `directory`) and builds its KeyEntry: it reads
// the passphrase if one is configured, refuses key and passphrase files
// that group or others may access, refuses weak keys (ClassifyKey), and
// checks that the leaf certificate's public key is the private key's.
// A key on a PKCS #11 token (pkcs11_uri) gets its session pool from
// `tokens` (opened, and logged in, on first use) and is checked by a
// signature that must verify with the leaf certificate's public key; a
// leaf certificate on a token (certificate_pkcs11_uri) is read from it
// and followed by the certificate_chain_file's certificates, if any.
// Errors are FailedPrecondition "<manifest location>: key "<name>" version
// <n>: <file>: <reason>". A leaf certificate that is not valid at `now`
// (expired or not yet valid) is loaded anyway; a warning naming the file
// and the time is appended to `warnings`. Key file contents are cleansed
// after decoding.
absl::StatusOr<std::shared_ptr<const KeyEntry>> LoadKeyEntry(
    const std::string& directory, const KeySpec& spec, absl::Time now,
    std::vector<std::string>& warnings, pkcs11::TokenSet& tokens);

// KeySource names where an entry's private key is, for messages: the key
// file's path or the PKCS #11 URI.
std::string KeySource(const std::string& directory, const KeyConfig& config);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_KEY_LOADER_H_
