#include "service/work_pool.h"

#include <algorithm>
#include <utility>

namespace keyward::service {

WorkPool::WorkPool(int threads, int inline_limit)
    : inline_limit_(std::max(inline_limit, 0)) {
  threads_.reserve(std::max(threads, 1));
  for (int i = 0; i < std::max(threads, 1); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

WorkPool::~WorkPool() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkPool::Schedule(absl::AnyInvocable<void() &&> task) {
  {
    MutexLock lock(&mu_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

std::optional<WorkPool::InlineSlot> WorkPool::TryTakeInlineSlot() {
  int running = running_inline_.load(std::memory_order_relaxed);
  while (running < inline_limit_) {
    if (running_inline_.compare_exchange_weak(running, running + 1,
                                              std::memory_order_relaxed)) {
      return InlineSlot(&running_inline_);
    }
  }
  return std::nullopt;
}

void WorkPool::Run(absl::AnyInvocable<void() &&> task) {
  if (std::optional<InlineSlot> slot = TryTakeInlineSlot()) {
    std::move(task)();
  } else {
    Schedule(std::move(task));
  }
}

void WorkPool::Work() {
  while (true) {
    absl::AnyInvocable<void() &&> task;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && tasks_.empty()) wake_.wait(mu_);
      if (tasks_.empty()) return;  // Stopping, and nothing left to run.
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace keyward::service
