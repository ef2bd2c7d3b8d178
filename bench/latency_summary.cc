#include "bench/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace keyward::bench {
namespace {

// NearestRank returns the sample at percentile `fraction` of `sorted`.
int64_t NearestRank(const std::vector<int64_t>& sorted, double fraction) {
  const double rank = std::ceil(fraction * static_cast<double>(sorted.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t> nanoseconds) {
  LatencySummary out;
  if (nanoseconds.empty()) return out;
  std::sort(nanoseconds.begin(), nanoseconds.end());
  double sum = 0;
  for (int64_t sample : nanoseconds) sum += static_cast<double>(sample);
  out.count = static_cast<int64_t>(nanoseconds.size());
  out.mean = absl::Nanoseconds(sum / static_cast<double>(out.count));
  out.p50 = absl::Nanoseconds(NearestRank(nanoseconds, 0.50));
  out.p90 = absl::Nanoseconds(NearestRank(nanoseconds, 0.90));
  out.p99 = absl::Nanoseconds(NearestRank(nanoseconds, 0.99));
  out.p999 = absl::Nanoseconds(NearestRank(nanoseconds, 0.999));
  out.max = absl::Nanoseconds(nanoseconds.back());
  return out;
}

}  // namespace keyward::bench
