#include "service/call_guard.h"

#include <utility>

#include "absl/time/clock.h"

namespace keyward::service {

CallGuard::CallGuard(absl::Time deadline, std::function<bool()> is_cancelled)
    : deadline_(deadline), is_cancelled_(std::move(is_cancelled)) {}

CallGuard CallGuard::ForCall(grpc::CallbackServerContext* context) {
  return CallGuard(absl::FromChrono(context->deadline()),
                   [context] { return context->IsCancelled(); });
}

CallGuard CallGuard::Unbounded() {
  return CallGuard(absl::InfiniteFuture(), nullptr);
}

absl::Status CallGuard::Check() const {
  // gRPC also cancels a call whose deadline passed; the deadline is the
  // more precise reason, so it is checked first.
  if (absl::Now() >= deadline_) {
    return absl::DeadlineExceededError(
        "the deadline expired before the key operation");
  }
  if (is_cancelled_ && is_cancelled_()) {
    return absl::CancelledError("the call was cancelled");
  }
  return absl::OkStatus();
}

}  // namespace keyward::service
