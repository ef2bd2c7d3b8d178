#include "service/call_guard.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(CallGuardTest, PassesBeforeTheDeadline) {
  EXPECT_TRUE(CallGuard::Unbounded().Check().ok());
  EXPECT_TRUE(CallGuard(absl::Now() + absl::Hours(1), nullptr).Check().ok());
}

TEST(CallGuardTest, StopsAtTheDeadline) {
  const absl::Status status =
      CallGuard(absl::Now() - absl::Milliseconds(1), nullptr).Check();
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(CallGuardTest, StopsWhenCancelled) {
  std::atomic<bool> cancelled{false};
  const CallGuard guard(absl::InfiniteFuture(),
                        [&cancelled] { return cancelled.load(); });
  EXPECT_TRUE(guard.Check().ok());
  cancelled = true;
  EXPECT_EQ(guard.Check().code(), absl::StatusCode::kCancelled);
}

TEST(CallGuardTest, ReportsTheDeadlineBeforeTheCancellation) {
  const CallGuard guard(absl::InfinitePast(), [] { return true; });
  EXPECT_EQ(guard.Check().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace keyward::service
