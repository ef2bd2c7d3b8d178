#ifndef KEYWARD_BENCH_LATENCY_SUMMARY_H_
#define KEYWARD_BENCH_LATENCY_SUMMARY_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace keyward::bench {

// LatencySummary: percentiles of a set of latencies (nearest rank: the
// smallest sample with at least that fraction of samples at or below it).
// All zero when there were no samples.
struct LatencySummary {
  int64_t count = 0;
  absl::Duration mean;
  absl::Duration p50;
  absl::Duration p90;
  absl::Duration p99;
  absl::Duration p999;
  absl::Duration max;
};

// Summarize sorts `nanoseconds` (latencies in ns) and summarizes them.
LatencySummary Summarize(std::vector<int64_t> nanoseconds);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_LATENCY_SUMMARY_H_
