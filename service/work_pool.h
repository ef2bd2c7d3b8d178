#ifndef KEYWARD_SERVICE_WORK_POOL_H_
#define KEYWARD_SERVICE_WORK_POOL_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "service/mutex.h"

namespace keyward::service {

// WorkPool runs tasks on a fixed set of threads, in submission order, or on
// the caller's thread while few enough tasks run there (Run). The unary
// calls and the Pipeline streams hand their operations here so that one busy
// stream can use every core and gRPC's own threads stay free to read, write
// and refuse work beyond the admission limits.
// Tasks hand data to pool threads, so the lock is a service::Mutex, whose
// ordering ThreadSanitizer can see (see mutex.h).
class WorkPool {
 public:
  // Starts `threads` threads (at least 1). At most `inline_limit` tasks run
  // on their callers' threads at once (Run).
  WorkPool(int threads, int inline_limit);

  // The destructor runs every task already scheduled, then joins the
  // threads. Scheduling from another thread during destruction is a bug.
  ~WorkPool();

  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Schedule queues `task` to run on a pool thread. Never blocks on the
  // tasks; thread-safe. Tasks may schedule further tasks.
  void Schedule(absl::AnyInvocable<void() &&> task);

  // InlineSlot is a claim on one of the `inline_limit` slots for running a
  // task on its caller's thread; the slot is free again when it is
  // destroyed.
  class InlineSlot {
   public:
    InlineSlot(InlineSlot&& other) noexcept
        : running_(std::exchange(other.running_, nullptr)) {}
    InlineSlot& operator=(InlineSlot&&) = delete;
    ~InlineSlot() {
      if (running_ != nullptr) running_->fetch_sub(1, std::memory_order_relaxed);
    }

   private:
    friend class WorkPool;
    explicit InlineSlot(std::atomic<int>* running) : running_(running) {}
    std::atomic<int>* running_;
  };

  // TryTakeInlineSlot claims a slot when fewer than `inline_limit` are
  // taken. Running inline saves two thread hand-offs (the wake-up of a pool
  // thread, and gRPC's wake-up to send the answer it produces), which cost
  // more than an ECDSA signature. Called from gRPC's callback threads, a
  // limit below their number keeps one of them free to admit or refuse new
  // calls. Thread-safe.
  std::optional<InlineSlot> TryTakeInlineSlot();

  // Run runs `task` at once on the calling thread when it gets an inline
  // slot, and otherwise Schedules it. Thread-safe.
  void Run(absl::AnyInvocable<void() &&> task);

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
  const int inline_limit_;
  // Tasks running on their callers' threads (Run).
  std::atomic<int> running_inline_{0};
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_WORK_POOL_H_
