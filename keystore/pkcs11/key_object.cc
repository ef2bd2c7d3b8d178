#include "keystore/pkcs11/key_object.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/object_lookup.h"
#include "keystore/pkcs11/return_value.h"

namespace keyward::keystore::pkcs11 {

using handshake::SecretBytes;

absl::StatusOr<SecretBytes> KeyObject::Sign(const CK_MECHANISM& mechanism,
                                            absl::string_view input,
                                            size_t max_output) const {
  return Run(Operation::kSign, mechanism, input, max_output);
}

absl::StatusOr<SecretBytes> KeyObject::Decrypt(const CK_MECHANISM& mechanism,
                                               absl::string_view input,
                                               size_t max_output) const {
  return Run(Operation::kDecrypt, mechanism, input, max_output);
}

absl::StatusOr<CK_KEY_TYPE> KeyObject::KeyType() const {
  absl::StatusOr<SessionPool::Session> session = pool_->Acquire();
  if (!session.ok()) return session.status();
  absl::StatusOr<CK_OBJECT_HANDLE> handle = Handle(*session);
  if (!handle.ok()) return handle.status();
  return GetUlongAttribute(pool_->functions(), session->handle(), *handle,
                           CKA_KEY_TYPE);
}

absl::StatusOr<CK_OBJECT_HANDLE> KeyObject::Handle(
    const SessionPool::Session& session) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (handle_generation_ == session.generation()) return handle_;
  }
  absl::StatusOr<CK_OBJECT_HANDLE> found =
      FindObject(pool_->functions(), session.handle(), uri_);
  if (!found.ok()) return found.status();
  std::lock_guard<std::mutex> lock(mu_);
  // Keep the newest generation's handle if lookups raced.
  if (session.generation() >= handle_generation_) {
    handle_generation_ = session.generation();
    handle_ = *found;
  }
  return *found;
}

absl::StatusOr<SecretBytes> KeyObject::Run(Operation operation,
                                           const CK_MECHANISM& mechanism,
                                           absl::string_view input,
                                           size_t max_output) const {
  CK_FUNCTION_LIST* f = pool_->functions();
  const bool sign = operation == Operation::kSign;
  const char* const init_name = sign ? "C_SignInit" : "C_DecryptInit";
  const char* const run_name = sign ? "C_Sign" : "C_Decrypt";
  absl::Status lost;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<SessionPool::Session> session = pool_->Acquire();
    if (!session.ok()) return session.status();
    absl::StatusOr<CK_OBJECT_HANDLE> handle = Handle(*session);
    if (!handle.ok()) {
      session->Discard();
      // A token that came back without the key counts as gone.
      if (!absl::IsUnavailable(handle.status()) &&
          !absl::IsNotFound(handle.status())) {
        return handle.status();
      }
      pool_->Reset(session->generation());
      lost = handle.status();
      continue;
    }
    CK_MECHANISM copy = mechanism;  // C_*Init take a non-const pointer
    CK_RV rv = sign ? f->C_SignInit(session->handle(), &copy, *handle)
                    : f->C_DecryptInit(session->handle(), &copy, *handle);
    const char* failed = init_name;
    SecretBytes out(max_output);
    CK_ULONG length = out.size();
    if (rv == CKR_OK) {
      auto* data = reinterpret_cast<CK_BYTE*>(const_cast<char*>(input.data()));
      rv = sign ? f->C_Sign(session->handle(), data, input.size(), out.data(),
                            &length)
                : f->C_Decrypt(session->handle(), data, input.size(),
                               out.data(), &length);
      failed = run_name;
    }
    if (rv == CKR_OK) {
      out.resize(length);
      return out;
    }
    // The session may hold an unfinished operation: never reuse it.
    session->Discard();
    absl::Status status = Pkcs11Error(
        absl::StrCat(pool_->Name(), ": ", Describe(uri_), ": ", failed), rv);
    if (!IsTokenLost(rv)) return status;
    pool_->Reset(session->generation());
    lost = std::move(status);
  }
  return absl::UnavailableError(lost.message());
}

}  // namespace keyward::keystore::pkcs11
