#ifndef KEYWARD_KEYSTORE_PKCS11_KEY_OBJECT_H_
#define KEYWARD_KEYSTORE_PKCS11_KEY_OBJECT_H_

#include <p11-kit/pkcs11.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keystore/pkcs11/session_pool.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore::pkcs11 {

// KeyObject: one private key object on a token, and the operations with it.
//
// The object handle is looked up once and cached for the token, not per
// session (a token object's handle is valid in every session of the
// application); it is looked up again after the session pool was reset.
// An operation that fails because the session, login, object handle or
// token went away (IsTokenLost) resets the pool and is retried once, on a
// fresh session after a fresh login; so a token reset fails at most the
// operations in flight when it happened. When the token is gone the
// operation fails with Unavailable naming the token; nothing crashes or
// blocks. Thread-safe.
class KeyObject {
 public:
  KeyObject(std::shared_ptr<SessionPool> pool, ObjectUri uri)
      : pool_(std::move(pool)), uri_(std::move(uri)) {}

  KeyObject(const KeyObject&) = delete;
  KeyObject& operator=(const KeyObject&) = delete;

  // Sign is C_SignInit(`mechanism`) + C_Sign(`input`) with an output buffer
  // of `max_output` bytes; returns the signature.
  absl::StatusOr<handshake::SecretBytes> Sign(const CK_MECHANISM& mechanism,
                                              absl::string_view input,
                                              size_t max_output) const;

  // Decrypt is C_DecryptInit + C_Decrypt, like Sign.
  absl::StatusOr<handshake::SecretBytes> Decrypt(const CK_MECHANISM& mechanism,
                                                 absl::string_view input,
                                                 size_t max_output) const;

  // KeyType returns the object's CKA_KEY_TYPE (CKK_RSA, CKK_EC, ...).
  // NotFound when the URI names no object; FailedPrecondition when it
  // names several.
  absl::StatusOr<CK_KEY_TYPE> KeyType() const;

  const ObjectUri& uri() const { return uri_; }
  const SessionPool& pool() const { return *pool_; }

 private:
  enum class Operation { kSign, kDecrypt };

  // Run performs one operation with the retry described above.
  absl::StatusOr<handshake::SecretBytes> Run(Operation operation,
                                             const CK_MECHANISM& mechanism,
                                             absl::string_view input,
                                             size_t max_output) const;

  // Handle returns the cached handle for `session`'s generation, looking
  // it up in `session` when the cache is of an older one.
  absl::StatusOr<CK_OBJECT_HANDLE> Handle(
      const SessionPool::Session& session) const;

  const std::shared_ptr<SessionPool> pool_;
  const ObjectUri uri_;

  mutable std::mutex mu_;
  // Guarded by mu_: the handle and the pool generation it was found in (0:
  // none yet).
  mutable uint64_t handle_generation_ = 0;
  mutable CK_OBJECT_HANDLE handle_ = CK_INVALID_HANDLE;
};

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_KEY_OBJECT_H_
