#ifndef KEYWARD_THIRD_PARTY_ABSL_DEADLOCK_DETECTION_H_
#define KEYWARD_THIRD_PARTY_ABSL_DEADLOCK_DETECTION_H_

#include "absl/synchronization/mutex.h"

namespace keyward {

// Debian's Abseil is built with absl::Mutex deadlock detection on, and
// gRPC 1.51's locks are absl::Mutex, so every lock a gRPC process takes
// updates a lock-order graph: about 5% of a busy server's CPU, and about as
// much of a client's. The project's own locks are std::mutex (or
// service::Mutex), their order checked by the tests under ThreadSanitizer.
// Each of our binaries turns the detection off first thing in main();
// libraries (the OpenSSL provider inside someone else's server) leave the
// process's setting alone.
inline void TurnOffAbslDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace keyward

#endif  // KEYWARD_THIRD_PARTY_ABSL_DEADLOCK_DETECTION_H_
