#ifndef KEYWARD_KEYSTORE_PKCS11_SESSION_POOL_H_
#define KEYWARD_KEYSTORE_PKCS11_SESSION_POOL_H_

#include <p11-kit/pkcs11.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "handshake/secret_bytes.h"
#include "keystore/pkcs11/module.h"

namespace keyward::keystore::pkcs11 {

// TokenConfig: how to reach one token (keystore/manifest.proto Pkcs11Token).
struct TokenConfig {
  std::string label;        // CK_TOKEN_INFO.label, unpadded
  std::string module_path;  // absolute
  handshake::SecretBytes pin;
  size_t max_sessions = 4;  // >= 1; tokens limit their sessions
};

// SessionPool: the logged-in sessions this keystore holds on one token.
//
// At most max_sessions sessions are open; Acquire waits for a free one.
// Login state belongs to the application and the token, not to a session
// (PKCS #11 §5.6), so the user is logged in once, on the first session;
// later sessions find themselves logged in. C_Logout is never called: it
// would log out every session of the process on that token, including
// those of another keystore snapshot.
//
// A token reset or removal shows as one of the IsTokenLost return values;
// the operation that saw it calls Reset with its session's generation,
// which drops every session of that generation (those in use are closed
// when they come back), forgets the slot, and makes the next Acquire find
// the token by label again, open a session and log in again. While the
// token is gone Acquire fails fast with Unavailable; nothing blocks. The
// PIN is kept (in memory wiped on release) for those re-logins.
//
// Thread-safe. Sessions lent out must be returned (destroyed) before the
// pool is destroyed.
class SessionPool {
 public:
  // Open loads the module, finds the token by label and opens and logs in
  // one session, so that a wrong PIN or a missing token fails the keystore
  // load. FailedPrecondition naming the token (and the module) otherwise.
  static absl::StatusOr<std::shared_ptr<SessionPool>> Open(TokenConfig config);

  ~SessionPool();
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  // Session: one lent session; returned to the pool when destroyed.
  class Session {
   public:
    Session(Session&& other) noexcept;
    Session& operator=(Session&&) = delete;
    Session(const Session&) = delete;
    ~Session();

    CK_SESSION_HANDLE handle() const { return handle_; }
    uint64_t generation() const { return generation_; }
    // Discard closes the session when it is returned instead of reusing it
    // (after an error that may have left an operation active in it).
    void Discard() { discard_ = true; }

   private:
    friend class SessionPool;
    Session(SessionPool* pool, CK_SESSION_HANDLE handle, uint64_t generation)
        : pool_(pool), handle_(handle), generation_(generation) {}

    SessionPool* pool_;  // null once moved from
    CK_SESSION_HANDLE handle_;
    uint64_t generation_;
    bool discard_ = false;
  };

  // Acquire lends a logged-in session, waiting while max_sessions are in
  // use. Unavailable naming the token when it is not present or a session
  // cannot be opened or logged in.
  absl::StatusOr<Session> Acquire();

  // Reset: see the class comment. A no-op when `generation` is no longer
  // the current one (another operation reset the pool already).
  void Reset(uint64_t generation);

  CK_FUNCTION_LIST* functions() const { return module_->functions(); }
  const std::string& label() const { return config_.label; }
  // "token \"<label>\" (<module path>)", for messages.
  std::string Name() const;

 private:
  SessionPool(std::shared_ptr<const Module> module, TokenConfig config)
      : module_(std::move(module)), config_(std::move(config)) {}

  // FindSlot returns the slot that holds the token now. Unavailable when
  // no slot does; FailedPrecondition when several tokens have the label.
  absl::StatusOr<CK_SLOT_ID> FindSlot() const;
  // OpenLoggedIn opens a session on `slot` and logs the user in unless the
  // token already is. Statuses as Pkcs11Error.
  absl::StatusOr<CK_SESSION_HANDLE> OpenLoggedIn(CK_SLOT_ID slot) const;
  void Release(Session& session);
  void Close(CK_SESSION_HANDLE handle) const;

  const std::shared_ptr<const Module> module_;
  const TokenConfig config_;

  std::mutex mu_;
  std::condition_variable available_;
  // Guarded by mu_:
  uint64_t generation_ = 1;
  std::optional<CK_SLOT_ID> slot_;       // unknown after a Reset
  std::vector<CK_SESSION_HANDLE> idle_;  // of the current generation
  size_t open_ = 0;                      // lent out + idle + opening
};

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_SESSION_POOL_H_
