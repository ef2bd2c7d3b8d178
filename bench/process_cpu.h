#ifndef KEYWARD_BENCH_PROCESS_CPU_H_
#define KEYWARD_BENCH_PROCESS_CPU_H_

#include <sys/types.h>

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// CPU time accounting for the load generator: what the server process, this
// process and the whole machine spent, so that a run can report the server's
// CPU time per operation and how much else was running.
namespace keyward::bench {

// ProcessCpuTime returns utime + stime of process `pid` (all its threads,
// exited ones included) from /proc/<pid>/stat, at clock-tick resolution
// (usually 10 ms). NotFound when the process does not exist; Internal when
// the file does not parse.
absl::StatusOr<absl::Duration> ProcessCpuTime(pid_t pid);

// SelfCpuTime returns the CPU time of this process (all threads), at
// nanosecond resolution (CLOCK_PROCESS_CPUTIME_ID).
absl::Duration SelfCpuTime();

// SystemCpu: the first line of /proc/stat, summed over every core.
struct SystemCpu {
  // user + nice + system + irq + softirq + steal.
  absl::Duration busy;
  // busy + idle + iowait.
  absl::Duration total;
};

// SystemCpuTime reads /proc/stat. Internal when it does not parse.
absl::StatusOr<SystemCpu> SystemCpuTime();

// CpuSample: the counters read at one edge of a measured window.
struct CpuSample {
  // The processes that serve the load, together; nullopt when none was
  // given or one could not be read.
  std::optional<absl::Duration> serving;
  // This process (the load generator).
  absl::Duration self;
  // The whole machine; nullopt when /proc/stat could not be read.
  std::optional<SystemCpu> system;
};

// SampleCpu reads the counters of `serving`, of this process and of the
// machine.
CpuSample SampleCpu(const std::vector<pid_t>& serving);

// OtherCpu returns the CPU time that every other process took between
// `opened` and `closed`: the machine's busy time less the serving
// processes' (zero when unknown) and this process's. The machine's busy
// time counts as zero at an edge where it was not read.
absl::Duration OtherCpu(const CpuSample& opened, const CpuSample& closed);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_PROCESS_CPU_H_
