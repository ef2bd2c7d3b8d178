#include "bench/report.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace keyward::bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Micros(absl::Duration d) { return absl::ToDoubleMicroseconds(d); }

// Number formats one figure for a table: "-" when unknown, no decimals
// from 100 up, one below.
std::string Number(double value) {
  if (std::isnan(value)) return "-";
  return std::abs(value) >= 100 ? absl::StrFormat("%.0f", value)
                                : absl::StrFormat("%.1f", value);
}

std::string Ratio(double value) {
  return std::isnan(value) ? "-" : absl::StrFormat("%.2f", value);
}

const PointResult* Find(const std::vector<PointResult>& points,
                        absl::string_view operation, Transport transport,
                        int in_flight) {
  for (const PointResult& point : points) {
    if (point.backend == "file" && point.operation == operation &&
        point.transport == transport &&
        point.in_flight == in_flight) {
      return &point;
    }
  }
  return nullptr;
}

nlohmann::ordered_json RawJson(const RawResult& raw) {
  nlohmann::ordered_json out;
  out["ops"] = raw.ops;
  out["seconds"] = absl::ToDoubleSeconds(raw.wall);
  out["ops_per_second"] = raw.OpsPerSecond();
  out["cpu_us_per_op"] = raw.CpuMicrosPerOp();
  out["other_load_cores"] = raw.OtherCores();
  return out;
}

// Finite returns `value`, or null for JSON when it is NaN.
nlohmann::ordered_json Finite(double value) {
  if (std::isnan(value)) return nlohmann::ordered_json();
  return nlohmann::ordered_json(value);
}

}  // namespace

double PointResult::RawOpsPerSecond() const {
  const double seconds =
      absl::ToDoubleSeconds(raw_before.wall + raw_after.wall);
  return seconds > 0
             ? static_cast<double>(raw_before.ops + raw_after.ops) / seconds
             : 0;
}

double PointResult::RawCpuMicrosPerOp() const {
  const uint64_t ops = raw_before.ops + raw_after.ops;
  return ops > 0
             ? Micros(raw_before.cpu + raw_after.cpu) / static_cast<double>(ops)
             : kNaN;
}

double PointResult::ThroughputRatio() const {
  const double raw = RawOpsPerSecond();
  return raw > 0 ? load.OpsPerSecond() / raw : kNaN;
}

double PointResult::ServerCpuMicrosPerOp() const {
  if (!server_cpu.has_value() || load.ops == 0) return kNaN;
  return Micros(*server_cpu) / static_cast<double>(load.ops);
}

double PointResult::CpuRatio() const {
  return ServerCpuMicrosPerOp() / RawCpuMicrosPerOp();
}

double PointResult::ClientCpuMicrosPerOp() const {
  return load.ops > 0 ? Micros(client_cpu) / static_cast<double>(load.ops)
                      : kNaN;
}

double PointResult::CpuBoundRatio() const {
  return RawCpuMicrosPerOp() /
         (ServerCpuMicrosPerOp() + ClientCpuMicrosPerOp());
}

double PointResult::OtherCoresInWindow() const {
  const double window = absl::ToDoubleSeconds(load.window);
  return window > 0 ? absl::ToDoubleSeconds(other_cpu) / window : kNaN;
}

double PointResult::OtherCores() const {
  return std::max(
      {OtherCoresInWindow(), raw_before.OtherCores(), raw_after.OtherCores()});
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

RunInfo CurrentRunInfo() {
  RunInfo info;
  info.date =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  info.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (absl::StartsWith(line, "model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        info.cpu_model =
            std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      }
      break;
    }
  }
  return info;
}

std::string PointResult::Label() const {
  return backend == "file" ? operation : absl::StrCat(operation, " @", backend);
}

std::string PointLine(const PointResult& p) {
  return absl::StrFormat(
      "%-28s %-6s in_flight=%-4d %8.0f ops/s (raw %8.0f, x%s) p50=%sus "
      "p99=%sus server_cpu=%sus/op (crypto %sus, x%s) client_cpu=%sus/op "
      "cpu_bound=x%s other_load=%s cores errors=%d shed=%d",
      p.Label(), TransportName(p.transport), p.in_flight,
      p.load.OpsPerSecond(), p.RawOpsPerSecond(), Ratio(p.ThroughputRatio()),
      Number(Micros(p.load.latency.p50)), Number(Micros(p.load.latency.p99)),
      Number(p.ServerCpuMicrosPerOp()), Number(p.RawCpuMicrosPerOp()),
      Ratio(p.CpuRatio()), Number(p.ClientCpuMicrosPerOp()),
      Ratio(p.CpuBoundRatio()), Ratio(p.OtherCores()), p.load.Errors(),
      p.load.Shed());
}

std::string MarkdownTable(const std::vector<PointResult>& points) {
  std::string out =
      "| operation | transport | in flight | ops/s | raw ops/s | ratio | "
      "p50 µs | p90 µs | p99 µs | p99.9 µs | server CPU µs/op | crypto CPU "
      "µs/op | CPU ratio | client CPU µs/op | CPU-bound ratio | other load "
      "(cores) | errors | shed |\n"
      "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      "--:|\n";
  for (const PointResult& p : points) {
    const std::vector<std::string> cells = {
        p.Label(),
        TransportName(p.transport),
        absl::StrCat(p.in_flight),
        absl::StrFormat("%.0f", p.load.OpsPerSecond()),
        absl::StrFormat("%.0f", p.RawOpsPerSecond()),
        Ratio(p.ThroughputRatio()),
        Number(Micros(p.load.latency.p50)),
        Number(Micros(p.load.latency.p90)),
        Number(Micros(p.load.latency.p99)),
        Number(Micros(p.load.latency.p999)),
        Number(p.ServerCpuMicrosPerOp()),
        Number(p.RawCpuMicrosPerOp()),
        Ratio(p.CpuRatio()),
        Number(p.ClientCpuMicrosPerOp()),
        Ratio(p.CpuBoundRatio()),
        Ratio(p.OtherCores()),
        absl::StrCat(p.load.Errors()),
        absl::StrCat(p.load.Shed()),
    };
    absl::StrAppend(&out, "| ", absl::StrJoin(cells, " | "), " |\n");
  }
  return out;
}

std::string BackendsMarkdown(const std::vector<PointResult>& points) {
  std::string rows;
  for (const PointResult& p : points) {
    if (p.backend == "file") continue;
    for (const PointResult& file : points) {
      if (file.backend != "file" || file.operation != p.operation ||
          file.transport != p.transport || file.in_flight != p.in_flight) {
        continue;
      }
      const double ops = file.load.OpsPerSecond();
      const double cpu = file.ServerCpuMicrosPerOp();
      absl::StrAppend(
          &rows, "| ", p.operation, " | ", p.backend, " | ",
          TransportName(p.transport), " | ", p.in_flight, " | ",
          absl::StrFormat("%.0f", ops), " | ",
          absl::StrFormat("%.0f", p.load.OpsPerSecond()), " | ",
          Ratio(ops > 0 ? p.load.OpsPerSecond() / ops : NAN), " | ",
          Number(cpu), " | ", Number(p.ServerCpuMicrosPerOp()), " | ",
          Ratio(cpu > 0 ? p.ServerCpuMicrosPerOp() / cpu : NAN), " |\n");
    }
  }
  if (rows.empty()) return "";
  return absl::StrCat(
      "| operation | backend | transport | in flight | file ops/s | backend "
      "ops/s | throughput ratio | file server CPU µs/op | backend server CPU "
      "µs/op | CPU ratio |\n|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n",
      rows);
}

std::string Met(bool met) { return met ? "yes" : "**no**"; }

std::string TargetsMarkdown(const std::vector<PointResult>& points) {
  std::string rows;
  auto row = [&rows](const PointResult& p, absl::string_view target,
                     const std::string& measured, bool met) {
    absl::StrAppend(&rows, "| ", target, " | ", measured, " | ", Met(met),
                    " | ", Ratio(p.OtherCores()), " |\n");
  };
  if (const PointResult* p =
          Find(points, "sign:rsa-2048", Transport::kUnary, 32)) {
    row(*p, "RSA-2048 sign, unary, 32 in flight: throughput >= 0.85 x raw",
        absl::StrCat(Ratio(p->ThroughputRatio()), " x"),
        p->ThroughputRatio() >= 0.85);
    row(*p, "(same, CPU-bound projection)",
        absl::StrCat(Ratio(p->CpuBoundRatio()), " x"),
        p->CpuBoundRatio() >= 0.85);
    row(*p,
        "RSA-2048 sign, unary, 32 in flight: server CPU/op <= 1.10 x "
        "crypto",
        absl::StrCat(Ratio(p->CpuRatio()), " x"), p->CpuRatio() <= 1.10);
  }
  if (const PointResult* p =
          Find(points, "sign:ecdsa-p256", Transport::kStream, 256)) {
    row(*p,
        "ECDSA P-256 sign, stream, 256 in flight: throughput >= 0.50 x "
        "raw",
        absl::StrCat(Ratio(p->ThroughputRatio()), " x"),
        p->ThroughputRatio() >= 0.50);
    row(*p, "(same, CPU-bound projection)",
        absl::StrCat(Ratio(p->CpuBoundRatio()), " x"),
        p->CpuBoundRatio() >= 0.50);
    row(*p,
        "ECDSA P-256 sign, stream, 256 in flight: server CPU/op <= 2 x "
        "crypto",
        absl::StrCat(Ratio(p->CpuRatio()), " x"), p->CpuRatio() <= 2.0);
  }
  // The latency of one call, through the asynchronous and the blocking
  // client methods (whichever were measured).
  for (Transport transport : {Transport::kUnary, Transport::kBlocking}) {
    const PointResult* p = Find(points, "sign:ecdsa-p256", transport, 1);
    if (p == nullptr) continue;
    const double p50 = Micros(p->load.latency.p50);
    const double p99 = Micros(p->load.latency.p99);
    const std::string name = absl::StrCat(
        "ECDSA P-256 sign, unary",
        transport == Transport::kBlocking ? " (blocking client)" : "",
        ", 1 in flight: ");
    row(*p, absl::StrCat(name, "p50 <= 100 µs"),
        absl::StrCat(Number(p50), " µs"), p50 <= 100);
    row(*p, absl::StrCat(name, "p99 <= 300 µs"),
        absl::StrCat(Number(p99), " µs"), p99 <= 300);
  }
  if (rows.empty()) return "";
  return absl::StrCat(
      "| target (issue 8) | measured | met | other load (cores) |\n"
      "|---|--:|---|--:|\n",
      rows);
}

std::string JsonReport(const RunInfo& info,
                       const std::vector<PointResult>& points) {
  nlohmann::ordered_json out;
  out["command"] = info.command;
  out["date"] = info.date;
  out["cpus"] = info.cpus;
  out["cpu_model"] = info.cpu_model;
  out["server"] = info.server;
  out["warmup_seconds"] = absl::ToDoubleSeconds(info.warmup);
  out["duration_seconds"] = absl::ToDoubleSeconds(info.duration);
  out["raw_seconds"] = absl::ToDoubleSeconds(info.raw_duration);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PointResult& p : points) {
    nlohmann::ordered_json point;
    point["operation"] = p.operation;
    point["backend"] = p.backend;
    point["transport"] = TransportName(p.transport);
    point["in_flight"] = p.in_flight;
    point["streams"] = p.streams;
    point["ops"] = p.load.ops;
    point["seconds"] = absl::ToDoubleSeconds(p.load.window);
    point["ops_per_second"] = p.load.OpsPerSecond();
    nlohmann::ordered_json latency;
    latency["mean"] = Micros(p.load.latency.mean);
    latency["p50"] = Micros(p.load.latency.p50);
    latency["p90"] = Micros(p.load.latency.p90);
    latency["p99"] = Micros(p.load.latency.p99);
    latency["p99_9"] = Micros(p.load.latency.p999);
    latency["max"] = Micros(p.load.latency.max);
    point["latency_us"] = latency;
    point["errors"] = p.load.Errors();
    point["shed"] = p.load.Shed();
    point["failures"] = p.load.failures;
    point["first_failure"] = p.load.first_failure;
    point["server_cpu_us_per_op"] = Finite(p.ServerCpuMicrosPerOp());
    point["client_cpu_us_per_op"] = Finite(p.ClientCpuMicrosPerOp());
    point["attempts"] = p.attempts;
    point["other_load_cores"] = Finite(p.OtherCores());
    point["other_load_cores_in_window"] = Finite(p.OtherCoresInWindow());
    point["raw_threads"] = p.raw_threads;
    point["raw_ops_per_second"] = p.RawOpsPerSecond();
    point["raw_cpu_us_per_op"] = Finite(p.RawCpuMicrosPerOp());
    point["raw_before"] = RawJson(p.raw_before);
    point["raw_after"] = RawJson(p.raw_after);
    point["throughput_ratio"] = Finite(p.ThroughputRatio());
    point["cpu_ratio"] = Finite(p.CpuRatio());
    point["cpu_bound_ratio"] = Finite(p.CpuBoundRatio());
    list.push_back(std::move(point));
  }
  out["points"] = std::move(list);
  return out.dump(2) + "\n";
}

}  // namespace keyward::bench
