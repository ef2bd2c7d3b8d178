// handshakes: full TLS handshakes per second through the keyless edge
// (clients/edge:keyward_edge with its key in the key service, through the
// keyward OpenSSL provider) against the same edge binary holding the same
// key as a local file, in one run (issue 8, item 4).
//
//   bazel run -c opt //bench:handshakes -- --connections=1,16,64
//
// Both edges run side by side for the whole run, each with one site: the
// dev keystore's certificate for --key. Their measured windows alternate
// (local, keyless, keyless, local, ...) so that drifting machine load
// spreads over both. CPU per handshake: the local edge's process; for the
// keyless edge, its process plus the key service's. The TLS clients run in
// this process; its CPU is counted apart, and so is every other process's
// (other load), as bench/load does.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "bench/dev_keystore.h"
#include "bench/process_cpu.h"
#include "bench/report.h"
#include "bench/runfiles.h"
#include "bench/tls_handshake_load.h"
#include "clients/edge/testing/edge_process.h"
#include "clients/edge/testing/key_service_process.h"
#include "nlohmann/json.hpp"
#include "tests/support/dev_keystore.h"
#include "third_party/absl_deadlock_detection.h"

ABSL_FLAG(std::string, key, "rsa-2048",
          "Dev keystore key of the site: rsa-2048, rsa-3072, ecdsa-p256, "
          "ecdsa-p384 or ed25519 (served as <key>.dev.keyward.test).");
ABSL_FLAG(std::vector<std::string>, tls_versions, {"1.3"},
          "TLS versions to measure, each 1.2 or 1.3 (one point each).");
ABSL_FLAG(std::vector<std::string>, connections,
          std::vector<std::string>({"1", "16", "64"}),
          "Concurrent client connections (client threads), one point each.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1),
          "Load before each measured window.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(4),
          "Measured window of each edge in each round.");
ABSL_FLAG(int, rounds, 2,
          "Windows per edge and point; the order alternates by round.");
ABSL_FLAG(std::string, work_dir, "",
          "Keystore, configurations and logs; default: a temporary "
          "directory, removed at the end.");
ABSL_FLAG(std::string, markdown_out, "", "Write the Markdown table here.");
ABSL_FLAG(std::string, json_out, "", "Write the JSON report here.");

namespace keyward::bench {
namespace {

using edge::testing::EdgeProcess;
using edge::testing::KeyServiceProcess;

// Totals: one edge's windows of one point, added up.
struct Totals {
  int64_t handshakes = 0;
  int64_t errors = 0;
  std::string first_error;
  absl::Duration window;
  absl::Duration cpu;  // the processes that served the handshakes
  absl::Duration client_cpu;  // this process: the TLS clients
  // The most CPU, in cores, that other processes took in one window.
  double other_cores = 0;
  std::vector<LatencySummary> latencies;  // per window

  double PerSecond() const {
    return window > absl::ZeroDuration()
               ? static_cast<double>(handshakes) / absl::ToDoubleSeconds(window)
               : 0;
  }
  double CpuMicrosPerHandshake() const { return PerHandshake(cpu); }
  double ClientCpuMicrosPerHandshake() const {
    return PerHandshake(client_cpu);
  }
  double PerHandshake(absl::Duration d) const {
    return handshakes > 0 ? absl::ToDoubleMicroseconds(d) /
                                static_cast<double>(handshakes)
                          : 0;
  }
  // The worst window's value of `percentile` (e.g. &LatencySummary::p99).
  absl::Duration Worst(absl::Duration LatencySummary::*percentile) const {
    absl::Duration worst;
    for (const LatencySummary& l : latencies) {
      worst = std::max(worst, l.*percentile);
    }
    return worst;
  }
};

struct Point {
  std::string tls_version;
  int connections = 0;
  Totals local;
  Totals keyless;
  double Ratio() const {
    return local.PerSecond() > 0 ? keyless.PerSecond() / local.PerSecond() : 0;
  }
  // The ratio the CPU costs predict when the cores are the limit: all the
  // CPU of a local handshake (edge and client) over all of a keyless one
  // (edge, key service and client). Unlike Ratio, it does not depend on
  // what else ran.
  double CpuBoundRatio() const {
    const double keyless_cpu = keyless.CpuMicrosPerHandshake() +
                               keyless.ClientCpuMicrosPerHandshake();
    return keyless_cpu > 0 ? (local.CpuMicrosPerHandshake() +
                              local.ClientCpuMicrosPerHandshake()) /
                                 keyless_cpu
                           : 0;
  }
  double OtherCores() const {
    return std::max(local.other_cores, keyless.other_cores);
  }
};

absl::Status MeasureWindow(const HandshakeLoadOptions& options,
                           const std::vector<pid_t>& serving, Totals& totals) {
  CpuSample opened;
  CpuSample closed;
  HandshakeWindowHooks hooks{[&] { opened = SampleCpu(serving); },
                             [&] { closed = SampleCpu(serving); }};
  absl::StatusOr<HandshakeLoadResult> result = RunHandshakeLoad(options, hooks);
  if (!result.ok()) return result.status();
  if (!opened.serving.has_value() || !closed.serving.has_value() ||
      !opened.system.has_value() || !closed.system.has_value()) {
    return absl::InternalError(
        "the CPU time of a serving process or of the machine is unreadable");
  }
  totals.handshakes += result->handshakes;
  totals.errors += result->errors;
  if (totals.first_error.empty()) totals.first_error = result->first_error;
  totals.window += result->window;
  totals.cpu += *closed.serving - *opened.serving;
  totals.client_cpu += closed.self - opened.self;
  if (result->window > absl::ZeroDuration()) {
    totals.other_cores =
        std::max(totals.other_cores,
                 absl::FDivDuration(OtherCpu(opened, closed), result->window));
  }
  totals.latencies.push_back(result->latency);
  return absl::OkStatus();
}

std::string Micros(absl::Duration d) {
  return absl::StrFormat("%.0f", absl::ToDoubleMicroseconds(d));
}

std::string PointLine(const Point& p) {
  return absl::StrFormat(
      "TLS %s connections=%-3d local %7.1f hs/s (p50 %sus p99 %sus, cpu "
      "%.0fus/hs)  keyless %7.1f hs/s (p50 %sus p99 %sus, cpu %.0fus/hs)  "
      "ratio x%.2f  cpu_bound x%.2f  other_load %.2f cores  errors %d/%d",
      p.tls_version, p.connections, p.local.PerSecond(),
      Micros(p.local.Worst(&LatencySummary::p50)),
      Micros(p.local.Worst(&LatencySummary::p99)),
      p.local.CpuMicrosPerHandshake(), p.keyless.PerSecond(),
      Micros(p.keyless.Worst(&LatencySummary::p50)),
      Micros(p.keyless.Worst(&LatencySummary::p99)),
      p.keyless.CpuMicrosPerHandshake(), p.Ratio(), p.CpuBoundRatio(),
      p.OtherCores(), p.local.errors, p.keyless.errors);
}

std::string MarkdownTable(const std::string& key,
                          const std::vector<Point>& points) {
  std::string out = absl::StrCat(
      "| key | TLS | connections | local key hs/s | keyless hs/s | ratio | "
      "local p50 / p99 µs | keyless p50 / p99 µs | local CPU µs/hs | "
      "keyless CPU µs/hs (edge + service) | client CPU µs/hs (local / "
      "keyless) | CPU-bound ratio | other load (cores) | errors |\n",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Point& p : points) {
    absl::StrAppendFormat(
        &out,
        "| %s | %s | %d | %.0f | %.0f | %.2f | %s / %s | %s / %s | %.0f "
        "| %.0f | %.0f / %.0f | %.2f | %.2f | %d |\n",
        key, p.tls_version, p.connections, p.local.PerSecond(),
        p.keyless.PerSecond(), p.Ratio(),
        Micros(p.local.Worst(&LatencySummary::p50)),
        Micros(p.local.Worst(&LatencySummary::p99)),
        Micros(p.keyless.Worst(&LatencySummary::p50)),
        Micros(p.keyless.Worst(&LatencySummary::p99)),
        p.local.CpuMicrosPerHandshake(), p.keyless.CpuMicrosPerHandshake(),
        p.local.ClientCpuMicrosPerHandshake(),
        p.keyless.ClientCpuMicrosPerHandshake(), p.CpuBoundRatio(),
        p.OtherCores(), p.local.errors + p.keyless.errors);
  }
  return out;
}

// TargetsMarkdown: issue 8's handshake target, keyless TLS 1.3 handshakes
// with an RSA-2048 certificate at >= 0.85 of the local key's rate, for
// each such point, with its CPU-bound projection. Empty for other keys or
// without a TLS 1.3 point.
std::string TargetsMarkdown(const std::string& key,
                            const std::vector<Point>& points) {
  if (key != "rsa-2048") return "";
  std::string rows;
  for (const Point& p : points) {
    if (p.tls_version != "1.3") continue;
    absl::StrAppendFormat(
        &rows,
        "| keyless TLS 1.3 handshakes, RSA-2048, %d connection%s: >= 0.85 x "
        "local key | %.2f x | %s | %.2f |\n"
        "| (same, CPU-bound projection) | %.2f x | %s | %.2f |\n",
        p.connections, p.connections == 1 ? "" : "s", p.Ratio(),
        Met(p.Ratio() >= 0.85), p.OtherCores(), p.CpuBoundRatio(),
        Met(p.CpuBoundRatio() >= 0.85), p.OtherCores());
  }
  if (rows.empty()) return "";
  return absl::StrCat(
      "| target (issue 8) | measured | met | other load (cores) |\n"
      "|---|--:|---|--:|\n",
      rows);
}

nlohmann::json TotalsJson(const Totals& t) {
  nlohmann::json windows = nlohmann::json::array();
  for (const LatencySummary& l : t.latencies) {
    windows.push_back({{"count", l.count},
                       {"p50_us", absl::ToDoubleMicroseconds(l.p50)},
                       {"p90_us", absl::ToDoubleMicroseconds(l.p90)},
                       {"p99_us", absl::ToDoubleMicroseconds(l.p99)},
                       {"max_us", absl::ToDoubleMicroseconds(l.max)}});
  }
  return {{"handshakes", t.handshakes},
          {"errors", t.errors},
          {"first_error", t.first_error},
          {"seconds", absl::ToDoubleSeconds(t.window)},
          {"handshakes_per_second", t.PerSecond()},
          {"cpu_us_per_handshake", t.CpuMicrosPerHandshake()},
          {"client_cpu_us_per_handshake", t.ClientCpuMicrosPerHandshake()},
          {"other_load_cores", t.other_cores},
          {"windows", windows}};
}

std::string JsonReport(const RunInfo& info, const std::string& key,
                       const std::vector<Point>& points) {
  nlohmann::json out = {{"command", info.command},
                        {"date", info.date},
                        {"cpus", info.cpus},
                        {"cpu_model", info.cpu_model},
                        {"key", key},
                        {"points", nlohmann::json::array()}};
  for (const Point& p : points) {
    out["points"].push_back({{"tls_version", p.tls_version},
                             {"connections", p.connections},
                             {"ratio", p.Ratio()},
                             {"cpu_bound_ratio", p.CpuBoundRatio()},
                             {"local", TotalsJson(p.local)},
                             {"keyless", TotalsJson(p.keyless)}});
  }
  return out.dump(2) + "\n";
}

absl::StatusOr<std::vector<int>> Connections() {
  std::vector<int> out;
  for (const std::string& text : absl::GetFlag(FLAGS_connections)) {
    int n = 0;
    if (!absl::SimpleAtoi(text, &n) || n < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--connections: \"", text, "\" is not a count >= 1"));
    }
    out.push_back(n);
  }
  return out;
}

int Main(int argc, char** argv) {
  absl::StatusOr<std::vector<int>> connections = Connections();
  if (!connections.ok()) {
    std::cerr << "handshakes: " << connections.status().message() << "\n";
    return 2;
  }
  for (const std::string& version : absl::GetFlag(FLAGS_tls_versions)) {
    if (version != "1.2" && version != "1.3") {
      std::cerr << "handshakes: --tls_versions: \"" << version
                << "\" is not 1.2 or 1.3\n";
      return 2;
    }
  }
  if (RunfilePath("service/keyward_server").empty()) {
    std::cerr << "handshakes: run through Bazel (bazel run), which provides "
                 "the server, edge and provider binaries\n";
    return 1;
  }
  RunInfo info = CurrentRunInfo();
  info.command = absl::StrJoin(argv, argv + argc, " ");
  const std::string key = absl::GetFlag(FLAGS_key);
  const std::string host = absl::StrCat(key, ".dev.keyward.test");

  const bool own_work_dir = absl::GetFlag(FLAGS_work_dir).empty();
  const std::string work_dir = own_work_dir ? MakeTempDir("keyward-handshakes.")
                                            : absl::GetFlag(FLAGS_work_dir);
  if (work_dir.empty()) {
    std::cerr << "handshakes: cannot create a work directory\n";
    return 1;
  }
  std::filesystem::create_directories(work_dir);
  UseTestEnvironment(work_dir);

  absl::StatusOr<keyward::testing::DevKeystore> keystore =
      keyward::testing::MakeDevKeystore("keystore");
  if (!keystore.ok()) {
    std::cerr << "handshakes: " << keystore.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<KeyServiceProcess>> service =
      KeyServiceProcess::Start(*keystore, work_dir + "/audit.jsonl");
  if (!service.ok()) {
    std::cerr << "handshakes: key service: " << service.status().message()
              << "\n";
    return 1;
  }
  const std::string config = work_dir + "/edge-openssl.cnf";
  edge::testing::WriteOpenSslConfig(config,
                                    {(*service)->endpoint(), &*keystore, "5s"});
  const std::string chain = absl::StrCat(keystore->dir, "/keys/", key, ".crt");
  // The edges' connection limit stays out of the measurement: a client
  // reconnects as soon as it reads the response, while the edge's thread
  // for the old connection may still count it.
  const std::vector<std::string> edge_flags = {absl::StrCat(
      "--max_connections=",
      2 * *std::max_element(connections->begin(), connections->end()) + 16)};
  absl::StatusOr<std::unique_ptr<EdgeProcess>> keyless = EdgeProcess::Start(
      config, {{chain, absl::StrCat("keyward:host=", host)}}, edge_flags);
  absl::StatusOr<std::unique_ptr<EdgeProcess>> local = EdgeProcess::Start(
      config,
      {{chain, absl::StrCat("file:", keystore->dir, "/keys/", key, ".key")}},
      edge_flags);
  if (!keyless.ok() || !local.ok()) {
    std::cerr << "handshakes: edge: "
              << (keyless.ok() ? local.status() : keyless.status()).message()
              << "\n";
    return 1;
  }

  std::vector<Point> points;
  bool failed = false;
  for (const std::string& version : absl::GetFlag(FLAGS_tls_versions)) {
    for (int n : *connections) {
      Point point;
      point.tls_version = version;
      point.connections = n;
      HandshakeLoadOptions options;
      options.host = host;
      options.ca_file = keystore->ca_cert();
      options.tls_version = version;
      options.connections = n;
      options.warmup = absl::GetFlag(FLAGS_warmup);
      options.duration = absl::GetFlag(FLAGS_duration);
      for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
        for (int turn = 0; turn < 2; ++turn) {
          const bool keyless_turn = (round + turn) % 2 == 1;
          HandshakeLoadOptions edge_options = options;
          edge_options.port =
              keyless_turn ? (*keyless)->port() : (*local)->port();
          std::vector<pid_t> serving;
          if (keyless_turn) {
            serving = {(*keyless)->process().pid(),
                       (*service)->process().pid()};
          } else {
            serving = {(*local)->process().pid()};
          }
          absl::Status measured =
              MeasureWindow(edge_options, serving,
                            keyless_turn ? point.keyless : point.local);
          if (!measured.ok()) {
            std::cerr << "handshakes: " << measured.message() << "\n";
            return 1;
          }
        }
      }
      std::cout << PointLine(point) << std::endl;
      for (const Totals* t : {&point.local, &point.keyless}) {
        if (!t->first_error.empty()) {
          std::cout << "  first failure: " << t->first_error << std::endl;
        }
      }
      failed = failed || point.local.errors > 0 || point.keyless.errors > 0 ||
               point.local.handshakes == 0 || point.keyless.handshakes == 0;
      points.push_back(std::move(point));
    }
  }

  const std::string targets = TargetsMarkdown(key, points);
  const std::string table =
      targets.empty() ? MarkdownTable(key, points)
                      : absl::StrCat(targets, "\n", MarkdownTable(key, points));
  std::cout << "\n" << table;
  if (!absl::GetFlag(FLAGS_markdown_out).empty()) {
    if (absl::Status written =
            WriteFile(absl::GetFlag(FLAGS_markdown_out), table);
        !written.ok()) {
      std::cerr << "handshakes: " << written.message() << "\n";
      failed = true;
    }
  }
  if (!absl::GetFlag(FLAGS_json_out).empty()) {
    if (absl::Status written = WriteFile(absl::GetFlag(FLAGS_json_out),
                                         JsonReport(info, key, points));
        !written.ok()) {
      std::cerr << "handshakes: " << written.message() << "\n";
      failed = true;
    }
  }
  keyless->reset();
  local->reset();
  service->reset();
  if (own_work_dir && !failed) std::filesystem::remove_all(work_dir);
  if (failed) {
    std::cerr << "handshakes: failures (work directory kept: " << work_dir
              << ")\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace keyward::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Full TLS handshakes per second through the keyless edge against the "
      "same edge with a local key; see bench/README.md. Usage: handshakes "
      "--connections=1,16,64 --tls_versions=1.3,1.2");
  absl::ParseCommandLine(argc, argv);
  keyward::TurnOffAbslDeadlockDetection();
  return keyward::bench::Main(argc, argv);
}
