#ifndef KEYWARD_BENCH_PROCESS_CPU_H_
#define KEYWARD_BENCH_PROCESS_CPU_H_

#include <sys/types.h>

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

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_PROCESS_CPU_H_
