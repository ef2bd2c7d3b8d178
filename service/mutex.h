#ifndef KEYWARD_SERVICE_MUTEX_H_
#define KEYWARD_SERVICE_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace keyward::service {

// Mutex is std::mutex with Clang's thread-safety annotations, for state that
// gRPC's threads and the WorkPool's share. It is not absl::Mutex because the
// system Abseil is not built with ThreadSanitizer, which then cannot see the
// ordering an absl::Mutex provides; pthread locks are intercepted, so races
// on what this guards stay visible to TSan. BasicLockable (lock/unlock), so
// std::condition_variable_any can wait on it.
class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// MutexLock holds `mu` for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->unlock(); }

  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_MUTEX_H_
