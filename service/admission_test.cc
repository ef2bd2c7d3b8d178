#include "service/admission.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

config::LimitsConfig Limits(uint32_t max_in_flight, uint32_t per_identity,
                            uint32_t rate = 0, uint32_t burst = 0) {
  config::LimitsConfig limits;
  limits.set_max_in_flight(max_in_flight);
  limits.set_max_in_flight_per_identity(per_identity);
  limits.set_rate_per_identity(rate);
  limits.set_burst_per_identity(burst);
  return limits;
}

// FakeClock is a clock that moves only when told to.
class FakeClock {
 public:
  std::function<absl::Time()> AsFunction() {
    return [this] { return now_; };
  }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

// ExpectRejected checks that `result` is the rejection with `message` and
// the retry hint `retry_after`.
void ExpectRejected(const absl::StatusOr<AdmissionTicket>& result,
                    const std::string& message, absl::Duration retry_after) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(result.status().message(), message);
  EXPECT_EQ(RetryAfter(result.status()), retry_after);
}

TEST(AdmissionControlTest, GlobalLimitIsExact) {
  AdmissionControl admission(Limits(3, 10));
  std::vector<AdmissionTicket> tickets;
  for (const char* identity : {"a", "b", "a"}) {
    absl::StatusOr<AdmissionTicket> ticket = admission.Admit(identity);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    tickets.push_back(*std::move(ticket));
  }
  EXPECT_EQ(admission.in_flight(), 3u);
  ExpectRejected(admission.Admit("c"),
                 "server in-flight limit (3) reached; retry after 10 ms",
                 absl::Milliseconds(10));
  EXPECT_EQ(admission.in_flight(), 3u);
  // The rejected identity left no state behind.
  EXPECT_EQ(admission.tracked_identities(), 2u);

  tickets.pop_back();
  EXPECT_EQ(admission.in_flight(), 2u);
  absl::StatusOr<AdmissionTicket> ticket = admission.Admit("c");
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(admission.in_flight(), 3u);
  EXPECT_FALSE(admission.Admit("c").ok());
}

TEST(AdmissionControlTest, PerIdentityLimitIsPerIdentity) {
  AdmissionControl admission(Limits(100, 2));
  absl::StatusOr<AdmissionTicket> a1 = admission.Admit("spiffe://edge/a");
  absl::StatusOr<AdmissionTicket> a2 = admission.Admit("spiffe://edge/a");
  ASSERT_TRUE(a1.ok() && a2.ok());
  ExpectRejected(admission.Admit("spiffe://edge/a"),
                 "in-flight limit per identity (2) reached; retry after 10 ms",
                 absl::Milliseconds(10));

  // Another identity has its own two slots.
  absl::StatusOr<AdmissionTicket> b1 = admission.Admit("spiffe://edge/b");
  absl::StatusOr<AdmissionTicket> b2 = admission.Admit("spiffe://edge/b");
  ASSERT_TRUE(b1.ok() && b2.ok());
  EXPECT_FALSE(admission.Admit("spiffe://edge/b").ok());
  EXPECT_EQ(admission.in_flight(), 4u);

  // Releasing one of a's frees exactly one slot of a's, none of b's.
  a1 = absl::CancelledError("released");
  EXPECT_EQ(admission.in_flight(), 3u);
  EXPECT_FALSE(admission.Admit("spiffe://edge/b").ok());
  absl::StatusOr<AdmissionTicket> a3 = admission.Admit("spiffe://edge/a");
  ASSERT_TRUE(a3.ok());
  EXPECT_FALSE(admission.Admit("spiffe://edge/a").ok());
}

TEST(AdmissionControlTest, TokenBucketAdmitsBurstThenRate) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 100, /*rate=*/100, /*burst=*/5),
                             clock.AsFunction());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(admission.Admit("a").ok()) << i;
  }
  // The bucket is empty; the next token comes 1 s / 100 later.
  ExpectRejected(admission.Admit("a"),
                 "rate limit per identity (100/s) reached; retry after 10 ms",
                 absl::Milliseconds(10));
  // Other identities have their own bucket.
  EXPECT_TRUE(admission.Admit("b").ok());

  clock.Advance(absl::Milliseconds(9));
  // Rejections did not take tokens: the hint counts down with the clock.
  ExpectRejected(admission.Admit("a"),
                 "rate limit per identity (100/s) reached; retry after 1 ms",
                 absl::Milliseconds(1));
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(admission.Admit("a").ok());
  EXPECT_FALSE(admission.Admit("a").ok());

  // After a full refill time the whole burst is available again, no more.
  clock.Advance(absl::Seconds(1));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(admission.Admit("a").ok()) << i;
  }
  EXPECT_FALSE(admission.Admit("a").ok());
}

TEST(AdmissionControlTest, RetryHintRoundsUpToMilliseconds) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 100, /*rate=*/3, /*burst=*/1),
                             clock.AsFunction());
  ASSERT_TRUE(admission.Admit("a").ok());
  // 1 s / 3 = 333.33 ms: a client waiting 333 ms would be early.
  ExpectRejected(admission.Admit("a"),
                 "rate limit per identity (3/s) reached; retry after 334 ms",
                 absl::Milliseconds(334));
  clock.Advance(absl::Milliseconds(334));
  EXPECT_TRUE(admission.Admit("a").ok());
}

TEST(AdmissionControlTest, InFlightRejectionTakesNoToken) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 1, /*rate=*/100, /*burst=*/2),
                             clock.AsFunction());
  {
    absl::StatusOr<AdmissionTicket> held = admission.Admit("a");
    ASSERT_TRUE(held.ok());
    for (int i = 0; i < 3; ++i) {
      ExpectRejected(
          admission.Admit("a"),
          "in-flight limit per identity (1) reached; retry after 10 ms",
          absl::Milliseconds(10));
    }
  }
  // The second token of the burst is still there.
  EXPECT_TRUE(admission.Admit("a").ok());
  EXPECT_FALSE(admission.Admit("a").ok());
}

TEST(AdmissionControlTest, RateZeroIsUnlimited) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 100, /*rate=*/0, /*burst=*/0),
                             clock.AsFunction());
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(admission.Admit("a").ok()) << i;
  }
  EXPECT_EQ(admission.in_flight(), 0u);
  EXPECT_EQ(admission.tracked_identities(), 0u);
}

TEST(AdmissionControlTest, TicketsReleaseExactlyOnce) {
  AdmissionControl admission(Limits(100, 2));
  absl::StatusOr<AdmissionTicket> first = admission.Admit("a");
  ASSERT_TRUE(first.ok());
  {
    AdmissionTicket moved = *std::move(first);
    EXPECT_EQ(admission.in_flight(), 1u);
    // Destroying the moved-from StatusOr's ticket releases nothing.
    first = absl::CancelledError("gone");
    EXPECT_EQ(admission.in_flight(), 1u);

    absl::StatusOr<AdmissionTicket> second = admission.Admit("a");
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(admission.in_flight(), 2u);
    // Assigning over a live ticket releases that one.
    moved = *std::move(second);
    EXPECT_EQ(admission.in_flight(), 1u);
    // Self-assignment keeps the slot.
    AdmissionTicket& alias = moved;
    moved = std::move(alias);
    EXPECT_EQ(admission.in_flight(), 1u);
    // a has exactly one slot taken: one more fits, two do not.
    absl::StatusOr<AdmissionTicket> third = admission.Admit("a");
    ASSERT_TRUE(third.ok());
    EXPECT_FALSE(admission.Admit("a").ok());
  }
  EXPECT_EQ(admission.in_flight(), 0u);
  EXPECT_EQ(admission.tracked_identities(), 0u);
  absl::StatusOr<AdmissionTicket> a1 = admission.Admit("a");
  absl::StatusOr<AdmissionTicket> a2 = admission.Admit("a");
  EXPECT_TRUE(a1.ok() && a2.ok());
  EXPECT_FALSE(admission.Admit("a").ok());
}

TEST(AdmissionControlTest, IdleIdentitiesAreDropped) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 100, /*rate=*/1, /*burst=*/1),
                             clock.AsFunction());
  // Each identity spends its token: its state must stay until the bucket
  // is full again, or the identity could reset its rate limit.
  constexpr int kOld = 2000;
  for (int i = 0; i < kOld; ++i) {
    ASSERT_TRUE(admission.Admit(absl::StrCat("old-", i)).ok());
  }
  EXPECT_EQ(admission.tracked_identities(), size_t{kOld});
  EXPECT_FALSE(admission.Admit("old-0").ok());

  // Once their buckets are full, the old identities go at the latest when
  // the table doubles, so twice as many new ones are certain to sweep them.
  clock.Advance(absl::Seconds(1));
  constexpr int kNew = 2 * kOld;
  for (int i = 0; i < kNew; ++i) {
    ASSERT_TRUE(admission.Admit(absl::StrCat("new-", i)).ok());
  }
  EXPECT_EQ(admission.tracked_identities(), size_t{kNew});
  EXPECT_TRUE(admission.Admit("old-0").ok());
}

TEST(AdmissionControlTest, ReleaseDropsIdleIdentityWithFullBucket) {
  FakeClock clock;
  AdmissionControl admission(Limits(100, 100, /*rate=*/10, /*burst=*/10),
                             clock.AsFunction());
  absl::StatusOr<AdmissionTicket> ticket = admission.Admit("a");
  ASSERT_TRUE(ticket.ok());
  clock.Advance(absl::Milliseconds(99));
  ticket = absl::CancelledError("released");
  // 1 ms short of its token: kept.
  EXPECT_EQ(admission.tracked_identities(), 1u);

  ticket = admission.Admit("b");
  ASSERT_TRUE(ticket.ok());
  clock.Advance(absl::Milliseconds(100));
  ticket = absl::CancelledError("released");
  // b's bucket is full again: dropped at release.
  EXPECT_EQ(admission.tracked_identities(), 1u);
}

TEST(AdmissionControlTest, RetryAfterNeedsTheHint) {
  EXPECT_EQ(RetryAfter(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(RetryAfter(absl::ResourceExhaustedError("retry after 5 ms")),
            std::nullopt);
}

// Run under --config=tsan too. Threads take and give back tickets of four
// identities, each holding more than the limits allow; what they hold at
// once must never exceed either limit.
TEST(AdmissionControlTest, ConcurrentAdmissionsStayWithinLimits) {
  constexpr uint32_t kMaxInFlight = 8;
  constexpr uint32_t kPerIdentity = 3;
  constexpr int kThreads = 8;
  constexpr int kIdentities = 4;
  constexpr int kHeld = 4;
  constexpr int kRounds = 2000;
  AdmissionControl admission(Limits(kMaxInFlight, kPerIdentity));

  std::atomic<int> held{0};
  std::atomic<int> max_held{0};
  std::atomic<int> held_by[kIdentities] = {};
  std::atomic<int> max_held_by[kIdentities] = {};
  std::atomic<int> admitted{0};
  std::atomic<int> max_reported{0};
  auto raise = [](std::atomic<int>& max, int value) {
    int seen = max.load();
    while (value > seen && !max.compare_exchange_weak(seen, value)) {
    }
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int id = t % kIdentities;
      const std::string identity = absl::StrCat("identity-", id);
      std::vector<AdmissionTicket> tickets;
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kHeld; ++i) {
          absl::StatusOr<AdmissionTicket> ticket = admission.Admit(identity);
          if (!ticket.ok()) continue;
          // Counted after admission and uncounted before release, so the
          // counts never exceed what the admission control holds.
          raise(max_held, held.fetch_add(1) + 1);
          raise(max_held_by[id], held_by[id].fetch_add(1) + 1);
          admitted.fetch_add(1);
          tickets.push_back(*std::move(ticket));
        }
        raise(max_reported, static_cast<int>(admission.in_flight()));
        held.fetch_sub(static_cast<int>(tickets.size()));
        held_by[id].fetch_sub(static_cast<int>(tickets.size()));
        tickets.clear();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_GT(admitted.load(), 0);
  EXPECT_LE(max_held.load(), static_cast<int>(kMaxInFlight));
  EXPECT_LE(max_reported.load(), static_cast<int>(kMaxInFlight));
  for (int id = 0; id < kIdentities; ++id) {
    EXPECT_LE(max_held_by[id].load(), static_cast<int>(kPerIdentity)) << id;
  }
  EXPECT_EQ(admission.in_flight(), 0u);
  EXPECT_EQ(admission.tracked_identities(), 0u);
}

}  // namespace
}  // namespace keyward::service
