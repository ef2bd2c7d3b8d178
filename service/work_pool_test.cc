#include "service/work_pool.h"

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(WorkPoolTest, RunsEveryTask) {
  std::atomic<int> ran{0};
  absl::BlockingCounter done(1000);
  WorkPool pool(4, 0);
  EXPECT_EQ(pool.size(), 4);
  for (int i = 0; i < 1000; ++i) {
    pool.Schedule([&] {
      ran.fetch_add(1);
      done.DecrementCount();
    });
  }
  done.Wait();
  EXPECT_EQ(ran.load(), 1000);
}

TEST(WorkPoolTest, TasksRunConcurrently) {
  // Two tasks that each wait for the other finish only if two threads run
  // them at once.
  WorkPool pool(2, 0);
  absl::Notification first_started, second_started;
  absl::BlockingCounter done(2);
  pool.Schedule([&] {
    first_started.Notify();
    second_started.WaitForNotification();
    done.DecrementCount();
  });
  pool.Schedule([&] {
    second_started.Notify();
    first_started.WaitForNotification();
    done.DecrementCount();
  });
  done.Wait();
}

TEST(WorkPoolTest, DestructorRunsQueuedTasks) {
  std::atomic<int> ran{0};
  {
    WorkPool pool(1, 0);
    absl::Notification release;
    pool.Schedule([&] { release.WaitForNotification(); });
    for (int i = 0; i < 10; ++i) pool.Schedule([&] { ran.fetch_add(1); });
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 10);
}

TEST(WorkPoolTest, TasksMayScheduleTasksAndOwnState) {
  absl::BlockingCounter done(1);
  WorkPool pool(1, 0);
  auto payload = std::make_unique<int>(7);
  pool.Schedule([&pool, &done, payload = std::move(payload)]() mutable {
    pool.Schedule([&done, value = *payload] {
      EXPECT_EQ(value, 7);
      done.DecrementCount();
    });
  });
  done.Wait();
}

TEST(WorkPoolTest, RunRunsOnTheCallerUpToTheInlineLimit) {
  WorkPool pool(1, 1);
  const std::thread::id caller = std::this_thread::get_id();
  // Atomics: ThreadSanitizer cannot see the ordering Debian's uninstrumented
  // Abseil gives the Notification.
  std::atomic<std::thread::id> outer, nested, again;
  absl::Notification nested_done;
  pool.Run([&] {
    outer.store(std::this_thread::get_id());
    // This task holds the one inline slot: the nested one is scheduled.
    pool.Run([&] {
      nested.store(std::this_thread::get_id());
      nested_done.Notify();
    });
    nested_done.WaitForNotification();
  });
  EXPECT_EQ(outer.load(), caller);
  EXPECT_NE(nested.load(), caller);
  EXPECT_NE(nested.load(), std::thread::id());
  // The slot is free again once the inline task returned.
  pool.Run([&] { again.store(std::this_thread::get_id()); });
  EXPECT_EQ(again.load(), caller);
}

TEST(WorkPoolTest, InlineSlotsAreLimitedAndReturned) {
  WorkPool pool(1, 2);
  std::optional<WorkPool::InlineSlot> first = pool.TryTakeInlineSlot();
  std::optional<WorkPool::InlineSlot> second = pool.TryTakeInlineSlot();
  EXPECT_TRUE(first.has_value());
  EXPECT_TRUE(second.has_value());
  EXPECT_FALSE(pool.TryTakeInlineSlot().has_value());
  // A moved-from slot frees nothing; the moved-to one frees its slot.
  {
    WorkPool::InlineSlot moved(std::move(*first));
    first.reset();
    EXPECT_FALSE(pool.TryTakeInlineSlot().has_value());
  }
  EXPECT_TRUE(pool.TryTakeInlineSlot().has_value());
}

TEST(WorkPoolTest, RunWithoutInlineLimitSchedules) {
  WorkPool pool(1, 0);
  std::atomic<std::thread::id> ran;
  absl::Notification done;
  pool.Run([&] {
    ran.store(std::this_thread::get_id());
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_NE(ran.load(), std::this_thread::get_id());
}

TEST(WorkPoolTest, ZeroThreadsMeansOne) {
  WorkPool pool(0, 0);
  EXPECT_EQ(pool.size(), 1);
}

}  // namespace
}  // namespace keyward::service
