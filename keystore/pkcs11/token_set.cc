#include "keystore/pkcs11/token_set.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/passphrase.h"

namespace keyward::keystore::pkcs11 {
namespace {

absl::StatusOr<handshake::SecretBytes> ReadPin(const std::string& directory,
                                               const Pkcs11Token& token) {
  if (token.has_pin_file()) {
    return ReadPassphraseFile(absl::StrCat(directory, "/", token.pin_file()));
  }
  const char* value = std::getenv(token.pin_env().c_str());
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        "environment variable ", token.pin_env(), " (pin_env of token \"",
        token.token_label(), "\") is not set or empty"));
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(value);
  return handshake::SecretBytes(bytes, bytes + std::strlen(value));
}

}  // namespace

absl::StatusOr<std::shared_ptr<SessionPool>> TokenSet::Pool(
    const Pkcs11Token& token) {
  auto it = pools_.find(token.token_label());
  if (it != pools_.end()) return it->second;
  absl::StatusOr<handshake::SecretBytes> pin = ReadPin(directory_, token);
  if (!pin.ok()) return absl::FailedPreconditionError(pin.status().message());
  TokenConfig config;
  config.label = token.token_label();
  config.module_path = token.module_path();
  config.pin = *std::move(pin);
  config.max_sessions =
      token.max_sessions() == 0 ? kDefaultMaxSessions : token.max_sessions();
  absl::StatusOr<std::shared_ptr<SessionPool>> pool =
      SessionPool::Open(std::move(config));
  if (!pool.ok()) return absl::FailedPreconditionError(pool.status().message());
  pools_.emplace(token.token_label(), *pool);
  return pool;
}

}  // namespace keyward::keystore::pkcs11
