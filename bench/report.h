#ifndef KEYWARD_BENCH_REPORT_H_
#define KEYWARD_BENCH_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bench/load_driver.h"
#include "bench/raw_crypto.h"

namespace keyward::bench {

// PointResult: one benchmark point (an operation, a transport, a
// concurrency) with the raw OpenSSL baseline measured around it.
struct PointResult {
  std::string operation;  // OperationSpec::Name()
  // The keystore backend of the server measured: "file" or "pkcs11".
  std::string backend = "file";
  Transport transport = Transport::kUnary;
  int in_flight = 0;
  int streams = 1;
  // Runs of this point made (disturbed runs may be repeated); this is the
  // least disturbed one.
  int attempts = 1;
  LoadResult load;
  // CPU time over the load's measured window: of the server process (unset
  // when its pid is unknown), of this process, and of everything else on
  // the machine (busy time of every core minus those two).
  std::optional<absl::Duration> server_cpu;
  absl::Duration client_cpu;
  absl::Duration other_cpu;
  // The raw baseline, measured just before and just after the load, on
  // raw_threads threads.
  int raw_threads = 0;
  RawResult raw_before;
  RawResult raw_after;

  // Label: the operation, followed by " @<backend>" unless it is "file".
  std::string Label() const;

  // Raw throughput and CPU per operation over both raw measurements.
  double RawOpsPerSecond() const;
  double RawCpuMicrosPerOp() const;
  // ops/s through the service divided by raw ops/s.
  double ThroughputRatio() const;
  // Server CPU per operation, and divided by the raw CPU per operation;
  // NaN when the server's CPU time is unknown.
  double ServerCpuMicrosPerOp() const;
  double CpuRatio() const;
  double ClientCpuMicrosPerOp() const;
  // The throughput ratio the CPU costs predict for a CPU-bound run on an
  // otherwise idle machine, where server and load generator share the
  // cores the raw baseline has to itself: crypto CPU/op ÷ (server + client
  // CPU/op). Unlike ThroughputRatio, it does not depend on how much CPU
  // other processes took; NaN when the server's CPU time is unknown.
  double CpuBoundRatio() const;
  // Cores' worth of CPU that other processes used: during the load's
  // window, and the most over the window and both raw measurements (a
  // point is only trustworthy when this is near 0).
  double OtherCoresInWindow() const;
  double OtherCores() const;
};

// RunInfo: the context a report records.
struct RunInfo {
  std::string command;
  std::string date;  // UTC, RFC 3339
  int cpus = 0;
  std::string cpu_model;
  absl::Duration warmup;
  absl::Duration duration;
  absl::Duration raw_duration;  // in total, split before and after
  std::string server;           // what was measured: binary or endpoint
};

// WriteFile replaces the file at `path` with `text`. Internal naming the
// path when it cannot be written.
absl::Status WriteFile(const std::string& path, const std::string& text);

// CurrentRunInfo fills in the date, the number of online CPUs and the CPU
// model (/proc/cpuinfo); the caller sets the rest.
RunInfo CurrentRunInfo();

// PointLine: a one-line human summary of a point, for progress output.
std::string PointLine(const PointResult& point);

// MarkdownTable: one row per point.
std::string MarkdownTable(const std::vector<PointResult>& points);

// Met: the "met" cell of a targets table ("yes", or "no" in bold).
std::string Met(bool met);

// TargetsMarkdown: the targets of issue 8 that `points` measure (RSA-2048
// sign unary at 32 in flight; ECDSA P-256 sign streamed at 256; ECDSA P-256
// sign unary at 1), each with its figure and whether it is met. Empty when
// none of those points was run.
std::string TargetsMarkdown(const std::vector<PointResult>& points);

// BackendsMarkdown compares every point of a backend other than "file"
// with the file backend's point of the same operation, transport and
// concurrency: throughput and server CPU per operation, and their ratios.
// Empty when only one backend was measured.
std::string BackendsMarkdown(const std::vector<PointResult>& points);

// JsonReport: `info` and every point with all its figures, as JSON.
std::string JsonReport(const RunInfo& info,
                       const std::vector<PointResult>& points);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_REPORT_H_
