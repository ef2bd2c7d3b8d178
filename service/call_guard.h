#ifndef KEYWARD_SERVICE_CALL_GUARD_H_
#define KEYWARD_SERVICE_CALL_GUARD_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"

namespace keyward::service {

// CallGuard answers, right before each private-key operation, whether the
// call it serves still wants an answer. An operation whose deadline passed
// or whose client went away does no crypto at all.
class CallGuard {
 public:
  // `is_cancelled` may be empty (never cancelled); it must be safe to call
  // from any thread while the guard is in use.
  CallGuard(absl::Time deadline, std::function<bool()> is_cancelled);

  // ForCall guards a unary callback call: its deadline and its cancellation.
  // `context` is not owned and must outlive the guard.
  static CallGuard ForCall(grpc::CallbackServerContext* context);

  // Unbounded never stops anything (tests of the operations themselves).
  static CallGuard Unbounded();

  // Check returns OK while the call may proceed; DeadlineExceeded once the
  // deadline has passed; otherwise Cancelled once the call was cancelled.
  absl::Status Check() const;

 private:
  absl::Time deadline_;
  std::function<bool()> is_cancelled_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_CALL_GUARD_H_
