#include "bench/latency_summary.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

TEST(LatencySummaryTest, EmptyIsZero) {
  const LatencySummary summary = Summarize({});
  EXPECT_EQ(summary.count, 0);
  EXPECT_EQ(summary.p50, absl::ZeroDuration());
  EXPECT_EQ(summary.max, absl::ZeroDuration());
}

TEST(LatencySummaryTest, NearestRankOfOneToThousand) {
  // 1000..1 ns, unsorted on purpose.
  std::vector<int64_t> samples;
  for (int64_t i = 1000; i >= 1; --i) samples.push_back(i);
  const LatencySummary summary = Summarize(samples);
  EXPECT_EQ(summary.count, 1000);
  EXPECT_EQ(summary.p50, absl::Nanoseconds(500));
  EXPECT_EQ(summary.p90, absl::Nanoseconds(900));
  EXPECT_EQ(summary.p99, absl::Nanoseconds(990));
  EXPECT_EQ(summary.p999, absl::Nanoseconds(999));
  EXPECT_EQ(summary.max, absl::Nanoseconds(1000));
  EXPECT_EQ(summary.mean, absl::Nanoseconds(500.5));
}

TEST(LatencySummaryTest, SingleSampleIsEveryPercentile) {
  const LatencySummary summary = Summarize({7000});
  EXPECT_EQ(summary.count, 1);
  EXPECT_EQ(summary.p50, absl::Microseconds(7));
  EXPECT_EQ(summary.p999, absl::Microseconds(7));
  EXPECT_EQ(summary.max, absl::Microseconds(7));
}

TEST(LatencySummaryTest, TailPercentilesSeeTheOutlier) {
  // 99 fast samples and one slow one: p99 is still fast, p99.9 is not.
  std::vector<int64_t> samples(99, 100);
  samples.push_back(1000000);
  const LatencySummary summary = Summarize(samples);
  EXPECT_EQ(summary.p99, absl::Nanoseconds(100));
  EXPECT_EQ(summary.p999, absl::Nanoseconds(1000000));
}

}  // namespace
}  // namespace keyward::bench
