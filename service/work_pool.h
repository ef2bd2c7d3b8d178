#ifndef KEYWARD_SERVICE_WORK_POOL_H_
#define KEYWARD_SERVICE_WORK_POOL_H_

#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "service/mutex.h"

namespace keyward::service {

// WorkPool runs tasks on a fixed set of threads, in submission order. The
// Pipeline stream puts its operations here so that one busy stream can use
// every core while gRPC's own threads only read and write.
// Tasks hand data to pool threads, so the lock is a service::Mutex, whose
// ordering ThreadSanitizer can see (see mutex.h).
class WorkPool {
 public:
  // Starts `threads` threads (at least 1).
  explicit WorkPool(int threads);

  // The destructor runs every task already scheduled, then joins the
  // threads. Scheduling from another thread during destruction is a bug.
  ~WorkPool();

  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Schedule queues `task` to run on a pool thread. Never blocks on the
  // tasks; thread-safe. Tasks may schedule further tasks.
  void Schedule(absl::AnyInvocable<void() &&> task);

  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  // Guards tasks_ and stopping_.
  Mutex mu_;
  // Signalled when a task is queued or stopping_ is set.
  std::condition_variable_any wake_;
  // Tasks not yet started, oldest first.
  std::deque<absl::AnyInvocable<void() &&>> tasks_ ABSL_GUARDED_BY(mu_);
  // Set by the destructor: threads exit once `tasks_` is empty.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_WORK_POOL_H_
