#ifndef KEYWARD_KEYSTORE_PKCS11_TOKEN_SET_H_
#define KEYWARD_KEYSTORE_PKCS11_TOKEN_SET_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "keystore/manifest.pb.h"
#include "keystore/pkcs11/session_pool.h"

namespace keyward::keystore::pkcs11 {

// The max_sessions a Pkcs11Token gets when it leaves it at 0.
inline constexpr size_t kDefaultMaxSessions = 4;

// TokenSet: the session pools of one keystore load, one per token, shared
// by every key on that token. Not thread-safe (used while loading); the
// pools it hands out are.
class TokenSet {
 public:
  // `directory` is the keystore directory pin_file paths are relative to.
  explicit TokenSet(std::string directory) : directory_(std::move(directory)) {}

  // Pool returns the pool for `token`, opening it on first use: reads the
  // PIN (pin_file is read like a private key: refused when group or others
  // may access it), loads the module, finds the token and logs in.
  // FailedPrecondition naming the token (or the PIN file or variable)
  // otherwise.
  absl::StatusOr<std::shared_ptr<SessionPool>> Pool(const Pkcs11Token& token);

 private:
  const std::string directory_;
  std::map<std::string, std::shared_ptr<SessionPool>> pools_;  // by label
};

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_TOKEN_SET_H_
