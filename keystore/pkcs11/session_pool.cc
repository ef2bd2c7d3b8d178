#include "keystore/pkcs11/session_pool.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/return_value.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore::pkcs11 {

SessionPool::Session::Session(Session&& other) noexcept
    : pool_(other.pool_),
      handle_(other.handle_),
      generation_(other.generation_),
      discard_(other.discard_) {
  other.pool_ = nullptr;
}

SessionPool::Session::~Session() {
  if (pool_ != nullptr) pool_->Release(*this);
}

absl::StatusOr<std::shared_ptr<SessionPool>> SessionPool::Open(
    TokenConfig config) {
  if (config.max_sessions == 0) {
    return absl::InvalidArgumentError("max_sessions must be at least 1");
  }
  absl::StatusOr<std::shared_ptr<const Module>> module =
      Module::Load(config.module_path);
  if (!module.ok()) return module.status();
  std::shared_ptr<SessionPool> pool(
      new SessionPool(*std::move(module), std::move(config)));
  // The first session proves the token is there and the PIN is right.
  absl::StatusOr<Session> session = pool->Acquire();
  if (!session.ok()) {
    return absl::FailedPreconditionError(session.status().message());
  }
  return pool;
}

SessionPool::~SessionPool() {
  for (CK_SESSION_HANDLE handle : idle_) Close(handle);
}

std::string SessionPool::Name() const {
  return absl::StrCat("token \"", config_.label, "\" (", module_->path(), ")");
}

absl::StatusOr<CK_SLOT_ID> SessionPool::FindSlot() const {
  CK_FUNCTION_LIST* f = functions();
  // Slots come and go with readers and tokens: ask until the list is
  // stable between the two calls.
  std::vector<CK_SLOT_ID> slots;
  for (;;) {
    CK_ULONG count = 0;
    if (CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK) {
      return absl::UnavailableError(
          absl::StrCat(Name(), ": C_GetSlotList: ", ReturnValueName(rv)));
    }
    slots.resize(count);
    CK_RV rv = f->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv == CKR_BUFFER_TOO_SMALL) continue;
    if (rv != CKR_OK) {
      return absl::UnavailableError(
          absl::StrCat(Name(), ": C_GetSlotList: ", ReturnValueName(rv)));
    }
    slots.resize(count);
    break;
  }
  std::optional<CK_SLOT_ID> found;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info;
    // A token removed between the calls is simply not the one.
    if (f->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if (TokenLabelOf(info) != config_.label) continue;
    if (found.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(Name(), ": several tokens have this label (slots ",
                       *found, " and ", slot, ")"));
    }
    found = slot;
  }
  if (!found.has_value()) {
    return absl::UnavailableError(absl::StrCat(Name(), " is not present"));
  }
  return *found;
}

absl::StatusOr<CK_SESSION_HANDLE> SessionPool::OpenLoggedIn(
    CK_SLOT_ID slot) const {
  CK_FUNCTION_LIST* f = functions();
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  if (CK_RV rv =
          f->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &handle);
      rv != CKR_OK) {
    return Pkcs11Error(absl::StrCat(Name(), ": C_OpenSession"), rv);
  }
  CK_SESSION_INFO info;
  CK_RV rv = f->C_GetSessionInfo(handle, &info);
  if (rv == CKR_OK && info.state != CKS_RO_USER_FUNCTIONS &&
      info.state != CKS_RW_USER_FUNCTIONS) {
    rv = f->C_Login(handle, CKU_USER,
                    const_cast<CK_UTF8CHAR*>(config_.pin.data()),
                    config_.pin.size());
    // Another thread may have logged in since the state was read.
    if (rv == CKR_USER_ALREADY_LOGGED_IN) rv = CKR_OK;
    if (rv != CKR_OK) {
      Close(handle);
      // A wrong PIN is configuration, not a passing outage.
      if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED ||
          rv == CKR_PIN_EXPIRED || rv == CKR_PIN_LEN_RANGE) {
        return absl::FailedPreconditionError(
            absl::StrCat(Name(), ": C_Login: ", ReturnValueName(rv)));
      }
      return Pkcs11Error(absl::StrCat(Name(), ": C_Login"), rv);
    }
    return handle;
  }
  if (rv != CKR_OK) {
    Close(handle);
    return Pkcs11Error(absl::StrCat(Name(), ": C_GetSessionInfo"), rv);
  }
  return handle;
}

absl::StatusOr<SessionPool::Session> SessionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  available_.wait(
      lock, [this] { return !idle_.empty() || open_ < config_.max_sessions; });
  if (!idle_.empty()) {
    const CK_SESSION_HANDLE handle = idle_.back();
    idle_.pop_back();
    return Session(this, handle, generation_);
  }
  ++open_;
  const uint64_t generation = generation_;
  std::optional<CK_SLOT_ID> slot = slot_;
  lock.unlock();

  absl::StatusOr<CK_SESSION_HANDLE> handle;
  if (!slot.has_value()) {
    absl::StatusOr<CK_SLOT_ID> found = FindSlot();
    if (found.ok()) {
      slot = *found;
    } else {
      handle = found.status();
    }
  }
  if (slot.has_value()) handle = OpenLoggedIn(*slot);

  lock.lock();
  if (!handle.ok()) {
    --open_;
    lock.unlock();
    available_.notify_one();
    if (absl::IsUnavailable(handle.status())) Reset(generation);
    return handle.status();
  }
  if (generation == generation_) slot_ = slot;
  return Session(this, *handle, generation);
}

void SessionPool::Release(Session& session) {
  std::unique_lock<std::mutex> lock(mu_);
  if (session.discard_ || session.generation_ != generation_) {
    --open_;
    lock.unlock();
    Close(session.handle_);
  } else {
    idle_.push_back(session.handle_);
    lock.unlock();
  }
  available_.notify_one();
}

void SessionPool::Reset(uint64_t generation) {
  std::vector<CK_SESSION_HANDLE> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation != generation_) return;
    ++generation_;
    slot_.reset();
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  for (CK_SESSION_HANDLE handle : dropped) Close(handle);
  available_.notify_all();
}

void SessionPool::Close(CK_SESSION_HANDLE handle) const {
  // The session may be gone with its token already; nothing to do then.
  functions()->C_CloseSession(handle);
}

}  // namespace keyward::keystore::pkcs11
