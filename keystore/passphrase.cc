#include "keystore/passphrase.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/file_reader.h"

namespace keyward::keystore {

absl::StatusOr<handshake::SecretBytes> ReadPassphraseFile(
    const std::string& path) {
  absl::StatusOr<handshake::SecretBytes> contents = ReadSecretFile(path);
  if (!contents.ok()) return contents.status();
  handshake::SecretBytes& text = *contents;
  size_t length = std::find(text.begin(), text.end(), '\n') - text.begin();
  if (length > 0 && text[length - 1] == '\r') --length;
  // Wipe the rest before shrinking: resize() alone leaves it in the buffer.
  OPENSSL_cleanse(text.data() + length, text.size() - length);
  text.resize(length);
  if (text.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": the passphrase (first line) is empty"));
  }
  return contents;
}

absl::StatusOr<handshake::SecretBytes> ReadPassphraseEnv(
    const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(
        absl::StrCat("environment variable ", variable,
                     " (passphrase_env) is not set or empty"));
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(value);
  return handshake::SecretBytes(bytes, bytes + std::strlen(value));
}

}  // namespace keyward::keystore
