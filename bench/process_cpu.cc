#include "bench/process_cpu.h"

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace keyward::bench {
namespace {

absl::Duration Ticks(uint64_t ticks) {
  static const long kTicksPerSecond = sysconf(_SC_CLK_TCK);
  return absl::Seconds(1) * static_cast<double>(ticks) /
         static_cast<double>(kTicksPerSecond);
}

}  // namespace

absl::StatusOr<absl::Duration> ProcessCpuTime(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/stat");
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  const std::string stat = text.str();
  // proc(5): "pid (comm) state ppid ...", where comm may hold spaces and
  // parentheses; the fields after the last ')' start with field 3 (state).
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) {
    return absl::InternalError(absl::StrCat(path, ": no ')' in ", stat));
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(stat).substr(close + 1), ' ', absl::SkipEmpty());
  // utime is field 14 and stime field 15, i.e. indexes 11 and 12 here.
  uint64_t utime = 0;
  uint64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError(absl::StrCat(path, ": unexpected format"));
  }
  return Ticks(utime + stime);
}

absl::Duration SelfCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return absl::DurationFromTimespec(now);
}

absl::StatusOr<SystemCpu> SystemCpuTime() {
  std::ifstream in("/proc/stat");
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InternalError("cannot read /proc/stat");
  }
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice";
  // guest time is already counted in user.
  const std::vector<absl::string_view> fields =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  uint64_t values[8] = {};
  if (fields.size() < 9 || fields[0] != "cpu") {
    return absl::InternalError("/proc/stat: unexpected first line");
  }
  for (int i = 0; i < 8; ++i) {
    if (!absl::SimpleAtoi(fields[i + 1], &values[i])) {
      return absl::InternalError("/proc/stat: unexpected first line");
    }
  }
  const uint64_t idle = values[3] + values[4];
  const uint64_t busy =
      values[0] + values[1] + values[2] + values[5] + values[6] + values[7];
  return SystemCpu{Ticks(busy), Ticks(busy + idle)};
}

CpuSample SampleCpu(const std::vector<pid_t>& serving) {
  CpuSample sample;
  if (!serving.empty()) {
    absl::Duration total;
    bool read = true;
    for (pid_t pid : serving) {
      absl::StatusOr<absl::Duration> cpu = ProcessCpuTime(pid);
      if (!cpu.ok()) {
        read = false;
        break;
      }
      total += *cpu;
    }
    if (read) sample.serving = total;
  }
  sample.self = SelfCpuTime();
  absl::StatusOr<SystemCpu> system = SystemCpuTime();
  if (system.ok()) sample.system = *system;
  return sample;
}

absl::Duration OtherCpu(const CpuSample& opened, const CpuSample& closed) {
  const auto busy = [](const CpuSample& sample) {
    return sample.system.has_value() ? sample.system->busy
                                     : absl::ZeroDuration();
  };
  const absl::Duration serving =
      opened.serving.has_value() && closed.serving.has_value()
          ? *closed.serving - *opened.serving
          : absl::ZeroDuration();
  return (busy(closed) - busy(opened)) - serving - (closed.self - opened.self);
}

}  // namespace keyward::bench
