// load: the Keyward load generator. Starts a keyward_server (-c opt when
// built so) on a development keystore as a child process, drives it over
// mutual TLS with closed-loop load, and compares it, in the same run, with
// the same cryptography done by OpenSSL in this process.
//
//   bazel build -c opt //bench:load
//   bazel-bin/bench/load --operations=sign:rsa-2048,sign:ecdsa-p256
//       --transports=unary,stream --in_flight=1,32,256
//       --markdown_out=/tmp/points.md --json_out=/tmp/points.json
//
// For each operation, transport and concurrency (a "point") it measures raw
// OpenSSL for half of --raw_duration, runs the load (--warmup, then
// --duration measured), and measures raw OpenSSL again. It prints one line
// per point and at the end a Markdown table (and the issue 8 targets that
// the points measure). Exits 1 when any operation failed.
// See bench/README.md.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/dev_keystore.h"
#include "bench/load_driver.h"
#include "bench/operation_spec.h"
#include "bench/process_cpu.h"
#include "bench/raw_crypto.h"
#include "bench/report.h"
#include "bench/runfiles.h"
#include "bench/server_process.h"
#include "bench/workload.h"
#include "clients/cpp/keyward_client.h"
#include "tests/support/dev_keystore.h"
#include "grpc/grpc.h"
#include "third_party/absl_deadlock_detection.h"

ABSL_FLAG(std::vector<std::string>, operations, {"sign:ecdsa-p256"},
          "Operations, each <operation>:<key>: sign, decrypt-pre-master or "
          "rsa-key-exchange on rsa-2048, rsa-3072, ecdsa-p256, ecdsa-p384 or "
          "ed25519 (key exchanges: RSA keys only); a signature in another "
          "scheme than the key's TLS 1.3 one is sign:<key>:<scheme>, e.g. "
          "sign:rsa-2048:rsa_pkcs1_sha384.");
ABSL_FLAG(std::vector<std::string>, transports,
          std::vector<std::string>({"unary", "stream"}),
          "unary (one callback-API call per operation), stream "
          "(operations on KeyService.Pipeline) and/or blocking (one "
          "blocking call per operation, a thread per operation in "
          "flight).");
ABSL_FLAG(std::vector<std::string>, in_flight, {"32"},
          "Operations kept outstanding (closed loop), one point each.");
ABSL_FLAG(int, streams, 1, "Pipeline streams to spread a point over.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "Load before each measured window.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5),
          "Measured window of each point.");
ABSL_FLAG(absl::Duration, raw_duration, absl::Seconds(2),
          "Raw OpenSSL measurement per point, in total: half just before "
          "the load, half just after.");
ABSL_FLAG(int, raw_threads, 0,
          "Threads of the raw OpenSSL baseline; 0: the number of CPUs.");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(10),
          "Deadline of each unary call.");
ABSL_FLAG(std::string, server_binary, "",
          "keyward_server to start; default: the one in the runfiles.");
ABSL_FLAG(std::string, endpoint, "",
          "Measure an already running server at host:port instead of "
          "starting one (needs --keystore_dir with its dev keystore).");
ABSL_FLAG(int, server_pid, 0,
          "With --endpoint: the server's pid, for its CPU time.");
ABSL_FLAG(std::string, keystore_dir, "",
          "Development keystore (scripts/gen-dev-keystore) to use; default: "
          "a new one in the work directory.");
ABSL_FLAG(std::string, work_dir, "",
          "Where the keystore, server config, server log and audit log go; "
          "default: a temporary directory, removed at the end.");
ABSL_FLAG(std::string, audit_path, "",
          "The server's audit log; default: audit.jsonl in the work "
          "directory.");
ABSL_FLAG(int, server_worker_threads, 0,
          "limits.worker_threads of the server; 0: its default.");
ABSL_FLAG(int, server_max_concurrent_streams, 0,
          "limits.max_concurrent_streams; 0: its default.");
ABSL_FLAG(int, server_max_in_flight, 0,
          "limits.max_in_flight; 0: its default.");
ABSL_FLAG(int, server_max_outstanding_per_stream, 0,
          "limits.max_outstanding_per_stream; 0: its default.");
ABSL_FLAG(int, retry_disturbed, 0,
          "Run a point up to this many more times while other processes "
          "took more than --disturbed_cores of CPU during it (load window or "
          "raw measurements); the least disturbed run is reported.");
ABSL_FLAG(double, disturbed_cores, 0.15,
          "Other processes' CPU, in cores, above which a point counts as "
          "disturbed.");
ABSL_FLAG(bool, allow_shedding, false,
          "Do not count RESOURCE_EXHAUSTED answers as errors (overload "
          "runs).");
ABSL_FLAG(std::vector<std::string>, backends, {"file"},
          "Keystore backends to measure, each with its own server child and "
          "dev keystore, point by point: file (PEM files) and/or pkcs11 (the "
          "same keys in a SoftHSM2 token made for the run).");
ABSL_FLAG(std::string, markdown_out, "", "Write the Markdown table here.");
ABSL_FLAG(std::string, json_out, "", "Write the JSON report here.");
ABSL_FLAG(std::string, command, "",
          "The command to record in the reports; default: this one.");

namespace keyward::bench {
namespace {

struct Plan {
  std::vector<OperationSpec> operations;
  std::vector<Transport> transports;
  std::vector<int> in_flight;
};

absl::StatusOr<Plan> ParsePlan() {
  Plan plan;
  for (const std::string& text : absl::GetFlag(FLAGS_operations)) {
    absl::StatusOr<OperationSpec> spec = ParseOperationSpec(text);
    if (!spec.ok()) return spec.status();
    plan.operations.push_back(*std::move(spec));
  }
  for (const std::string& text : absl::GetFlag(FLAGS_transports)) {
    if (text == "unary") {
      plan.transports.push_back(Transport::kUnary);
    } else if (text == "stream") {
      plan.transports.push_back(Transport::kStream);
    } else if (text == "blocking") {
      plan.transports.push_back(Transport::kBlocking);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--transports: \"", text, "\" is not unary, stream or blocking"));
    }
  }
  for (const std::string& text : absl::GetFlag(FLAGS_in_flight)) {
    int n = 0;
    if (!absl::SimpleAtoi(text, &n) || n < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--in_flight: \"", text, "\" is not a count >= 1"));
    }
    plan.in_flight.push_back(n);
  }
  if (plan.operations.empty() || plan.transports.empty() ||
      plan.in_flight.empty()) {
    return absl::InvalidArgumentError(
        "--operations, --transports and --in_flight must not be empty");
  }
  return plan;
}

// ServerConfigText: the server's configuration, in protobuf text format
// (service/server_config.proto).
std::string ServerConfigText(const std::string& keystore,
                             const std::string& audit_path) {
  std::string limits;
  auto limit = [&limits](const char* field, int value) {
    if (value > 0) absl::StrAppend(&limits, "  ", field, ": ", value, "\n");
  };
  limit("worker_threads", absl::GetFlag(FLAGS_server_worker_threads));
  limit("max_concurrent_streams",
        absl::GetFlag(FLAGS_server_max_concurrent_streams));
  limit("max_in_flight", absl::GetFlag(FLAGS_server_max_in_flight));
  limit("max_outstanding_per_stream",
        absl::GetFlag(FLAGS_server_max_outstanding_per_stream));
  std::string out = "listen_address: \"127.0.0.1:0\"\n";
  absl::StrAppend(&out, "tls {\n");
  absl::StrAppend(&out, "  server_cert_file: \"", keystore,
                  "/endpoint/server.crt\"\n");
  absl::StrAppend(&out, "  server_key_file: \"", keystore,
                  "/endpoint/server.key\"\n");
  absl::StrAppend(&out, "  client_ca_file: \"", keystore, "/ca/ca.crt\"\n");
  absl::StrAppend(&out, "}\n");
  absl::StrAppend(&out, "keystore { directory: \"", keystore, "\" }\n");
  absl::StrAppend(&out, "audit { path: \"", audit_path, "\" }\n");
  absl::StrAppend(&out, "shutdown_grace_seconds: 2\n");
  if (!limits.empty()) absl::StrAppend(&out, "limits {\n", limits, "}\n");
  return out;
}

absl::Status WaitUntilHealthy(client::KeywardClient& client) {
  absl::Status health;
  for (int attempt = 0; attempt < 20; ++attempt) {
    health = client.CheckHealth({absl::Seconds(2), ""});
    if (health.ok()) return health;
  }
  return health;
}

absl::StatusOr<PointResult> RunPoint(client::KeywardClient& client,
                                     const Workload& workload,
                                     const RawCrypto& raw, Transport transport,
                                     int in_flight, pid_t server_pid) {
  PointResult point;
  point.operation = workload.spec().Name();
  point.transport = transport;
  point.in_flight = in_flight;
  point.streams = absl::GetFlag(FLAGS_streams);
  point.raw_threads = absl::GetFlag(FLAGS_raw_threads) > 0
                          ? absl::GetFlag(FLAGS_raw_threads)
                          : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  const absl::Duration raw_half = absl::GetFlag(FLAGS_raw_duration) / 2;
  absl::StatusOr<RawResult> before = raw.Measure(point.raw_threads, raw_half);
  if (!before.ok()) return before.status();
  point.raw_before = *before;

  LoadOptions options;
  options.transport = transport;
  options.in_flight = in_flight;
  options.streams = point.streams;
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.call_timeout = absl::GetFlag(FLAGS_call_timeout);
  // The server's CPU, when its pid is known (not so for --endpoint without
  // --server_pid).
  const std::vector<pid_t> serving =
      server_pid > 0 ? std::vector<pid_t>{server_pid} : std::vector<pid_t>{};
  CpuSample opened;
  CpuSample closed;
  WindowHooks hooks{[&] { opened = SampleCpu(serving); },
                    [&] { closed = SampleCpu(serving); }};
  absl::StatusOr<LoadResult> load = RunLoad(client, workload, options, hooks);
  if (!load.ok()) return load.status();
  point.load = *std::move(load);
  if (opened.serving.has_value() && closed.serving.has_value()) {
    point.server_cpu = *closed.serving - *opened.serving;
  }
  point.client_cpu = closed.self - opened.self;
  point.other_cpu = OtherCpu(opened, closed);

  absl::StatusOr<RawResult> after = raw.Measure(point.raw_threads, raw_half);
  if (!after.ok()) return after.status();
  point.raw_after = *after;
  return point;
}

// Backend: one keyward_server measured, with the keystore it serves.
struct Backend {
  std::string name;  // "file" or "pkcs11"
  std::string keystore;
  std::unique_ptr<ServerProcess> server;  // null for --endpoint
  pid_t server_pid = 0;
  std::unique_ptr<client::KeywardClient> client;
};

// DevKeystoreFor makes the dev keystore of a backend in the work directory:
// the generator's files, or (pkcs11) the same keys imported into a fresh
// SoftHSM2 token whose configuration the server child inherits through
// SOFTHSM2_CONF.
absl::StatusOr<std::string> DevKeystoreFor(const std::string& backend,
                                           const std::string& work_dir) {
  if (backend == "file") {
    std::string keystore = absl::GetFlag(FLAGS_keystore_dir);
    if (!keystore.empty()) return keystore;
    keystore = work_dir + "/keystore";
    if (absl::Status made = MakeDevKeystore(keystore); !made.ok()) return made;
    return keystore;
  }
  if (backend == "pkcs11") {
    UseTestEnvironment(work_dir);
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore("keystore-pkcs11",
                                          keyward::testing::KeyBackend::kPkcs11);
    if (!keystore.ok()) return keystore.status();
    return keystore->dir;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", backend, "\" is not file or pkcs11"));
}

absl::StatusOr<std::unique_ptr<Backend>> StartBackend(const std::string& name,
                                                      const std::string& work_dir,
                                                      RunInfo& info) {
  auto backend = std::make_unique<Backend>();
  backend->name = name;
  std::string endpoint = absl::GetFlag(FLAGS_endpoint);
  if (!endpoint.empty() && name != "file") {
    return absl::InvalidArgumentError("--endpoint measures the file backend");
  }
  absl::StatusOr<std::string> keystore = DevKeystoreFor(name, work_dir);
  if (!keystore.ok()) return keystore.status();
  backend->keystore = *keystore;
  backend->server_pid = absl::GetFlag(FLAGS_server_pid);
  if (endpoint.empty()) {
    std::string binary = absl::GetFlag(FLAGS_server_binary);
    if (binary.empty()) binary = RunfilePath("service/keyward_server");
    if (binary.empty()) {
      return absl::NotFoundError(
          "no keyward_server in the runfiles; pass --server_binary");
    }
    const std::string audit = absl::GetFlag(FLAGS_audit_path).empty()
                                  ? absl::StrCat(work_dir, "/audit-", name,
                                                 ".jsonl")
                                  : absl::GetFlag(FLAGS_audit_path);
    const std::string config =
        absl::StrCat(work_dir, "/server-", name, ".textproto");
    if (absl::Status written =
            WriteFile(config, ServerConfigText(backend->keystore, audit));
        !written.ok()) {
      return written;
    }
    absl::StatusOr<std::unique_ptr<ServerProcess>> started =
        ServerProcess::Start(binary, {absl::StrCat("--config=", config)},
                             absl::StrCat(work_dir, "/server-", name, ".log"));
    if (!started.ok()) return started.status();
    backend->server = *std::move(started);
    endpoint = absl::StrCat("127.0.0.1:", backend->server->port());
    backend->server_pid = backend->server->pid();
    info.server = binary;
  } else {
    info.server = endpoint;
  }
  client::KeywardClientOptions options;
  options.endpoints = {endpoint};
  options.ca_file = backend->keystore + "/ca/ca.crt";
  options.cert_file = backend->keystore + "/clients/edge-a.crt";
  options.key_file = backend->keystore + "/clients/edge-a.key";
  options.default_timeout = absl::GetFlag(FLAGS_call_timeout);
  absl::StatusOr<std::unique_ptr<client::KeywardClient>> client =
      client::KeywardClient::Create(options);
  absl::Status ready =
      client.ok() ? WaitUntilHealthy(**client) : client.status();
  if (!ready.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "server at ", endpoint, " not usable: ", ready.message()));
  }
  backend->client = *std::move(client);
  return backend;
}

int Main(int argc, char** argv) {
  absl::StatusOr<Plan> plan = ParsePlan();
  if (!plan.ok()) {
    std::cerr << "load: " << plan.status().message() << "\n";
    return 2;
  }
  RunInfo info = CurrentRunInfo();
  info.command = absl::GetFlag(FLAGS_command).empty()
                     ? absl::StrJoin(argv, argv + argc, " ")
                     : absl::GetFlag(FLAGS_command);
  info.warmup = absl::GetFlag(FLAGS_warmup);
  info.duration = absl::GetFlag(FLAGS_duration);
  info.raw_duration = absl::GetFlag(FLAGS_raw_duration);

  const bool own_work_dir = absl::GetFlag(FLAGS_work_dir).empty();
  const std::string work_dir = own_work_dir ? MakeTempDir("keyward-bench.")
                                            : absl::GetFlag(FLAGS_work_dir);
  if (work_dir.empty()) {
    std::cerr << "load: cannot create a work directory\n";
    return 1;
  }
  std::filesystem::create_directories(work_dir);
  std::vector<std::unique_ptr<Backend>> backends;
  for (const std::string& name : absl::GetFlag(FLAGS_backends)) {
    absl::StatusOr<std::unique_ptr<Backend>> backend =
        StartBackend(name, work_dir, info);
    if (!backend.ok()) {
      std::cerr << "load: " << name << " backend: "
                << backend.status().message() << "\n";
      return 1;
    }
    backends.push_back(*std::move(backend));
  }
  if (backends.empty()) {
    std::cerr << "load: --backends must name file and/or pkcs11\n";
    return 2;
  }

  // Every operation's raw baseline and, per backend, its requests.
  struct Prepared {
    std::unique_ptr<RawCrypto> raw;
    std::vector<Workload> workloads;
  };
  std::vector<Prepared> prepared;
  for (const OperationSpec& spec : plan->operations) {
    absl::StatusOr<std::unique_ptr<RawCrypto>> raw = RawCrypto::Create(spec);
    if (!raw.ok()) {
      std::cerr << "load: " << spec.Name() << ": " << raw.status().message()
                << "\n";
      return 1;
    }
    Prepared& next = prepared.emplace_back();
    next.raw = *std::move(raw);
    for (const std::unique_ptr<Backend>& backend : backends) {
      absl::StatusOr<Workload> workload =
          Workload::Create(spec, backend->keystore);
      if (!workload.ok()) {
        std::cerr << "load: " << spec.Name() << ": "
                  << workload.status().message() << "\n";
        return 1;
      }
      next.workloads.push_back(*std::move(workload));
    }
  }

  // The blocking transport's points run first. Once a process has used
  // gRPC's callback API (the unary and stream transports), gRPC's callback
  // threads poll its connections for good, and each blocking call then pays
  // a hand-off between threads (about 60 µs of client CPU here) that a
  // process which only blocks, like the OpenSSL provider in the edge, never
  // pays. The tables list the points in the plan's order regardless.
  std::vector<Transport> order = plan->transports;
  std::stable_partition(order.begin(), order.end(), [](Transport transport) {
    return transport == Transport::kBlocking;
  });
  // Points by (operation, transport in the plan, in flight, backend).
  std::map<std::tuple<size_t, size_t, size_t, size_t>, PointResult> measured;
  bool failed = false;
  for (Transport transport : order) {
    const size_t t = static_cast<size_t>(
        std::find(plan->transports.begin(), plan->transports.end(),
                  transport) -
        plan->transports.begin());
    for (size_t o = 0; o < plan->operations.size(); ++o) {
      const OperationSpec& spec = plan->operations[o];
      for (size_t f = 0; f < plan->in_flight.size(); ++f) {
        for (size_t b = 0; b < backends.size(); ++b) {
          Backend& backend = *backends[b];
          std::optional<PointResult> best;
          for (int attempt = 1;; ++attempt) {
            absl::StatusOr<PointResult> point = RunPoint(
                *backend.client, prepared[o].workloads[b], *prepared[o].raw,
                transport, plan->in_flight[f], backend.server_pid);
            if (!point.ok()) {
              std::cerr << "load: " << spec.Name() << ": "
                        << point.status().message() << "\n";
              return 1;
            }
            point->backend = backend.name;
            point->attempts = attempt;
            const bool again =
                point->OtherCores() > absl::GetFlag(FLAGS_disturbed_cores) &&
                attempt <= absl::GetFlag(FLAGS_retry_disturbed);
            std::cout << PointLine(*point)
                      << (again ? " (disturbed: again)" : "") << std::endl;
            if (!point->load.first_failure.empty()) {
              std::cout << "  first failure: " << point->load.first_failure
                        << std::endl;
            }
            // A failure in any attempt counts: repeating must not hide it.
            failed = failed || point->load.Errors() > 0 ||
                     (point->load.Shed() > 0 &&
                      !absl::GetFlag(FLAGS_allow_shedding));
            if (!best.has_value() || point->OtherCores() < best->OtherCores()) {
              best = *std::move(point);
            }
            if (!again) break;
          }
          measured.emplace(std::make_tuple(o, t, f, b), *std::move(best));
        }
      }
    }
  }
  std::vector<PointResult> points;
  for (auto& [key, point] : measured) points.push_back(std::move(point));
  for (std::unique_ptr<Backend>& backend : backends) {
    backend->client.reset();
    if (backend->server == nullptr) continue;
    if (absl::Status stopped = backend->server->Stop(); !stopped.ok()) {
      std::cerr << "load: " << stopped.message() << " (log: " << work_dir
                << "/server-" << backend->name << ".log)\n";
      failed = true;
    }
  }

  const std::string table = MarkdownTable(points);
  const std::string targets = TargetsMarkdown(points);
  const std::string compared = BackendsMarkdown(points);
  std::cout << "\n" << table;
  if (!targets.empty()) std::cout << "\n" << targets;
  if (!compared.empty()) std::cout << "\n" << compared;
  if (!absl::GetFlag(FLAGS_markdown_out).empty()) {
    std::string markdown = table;
    if (!targets.empty()) absl::StrAppend(&markdown, "\n", targets);
    if (!compared.empty()) absl::StrAppend(&markdown, "\n", compared);
    if (absl::Status written =
            WriteFile(absl::GetFlag(FLAGS_markdown_out), markdown);
        !written.ok()) {
      std::cerr << "load: " << written.message() << "\n";
      failed = true;
    }
  }
  if (!absl::GetFlag(FLAGS_json_out).empty()) {
    if (absl::Status written =
            WriteFile(absl::GetFlag(FLAGS_json_out), JsonReport(info, points));
        !written.ok()) {
      std::cerr << "load: " << written.message() << "\n";
      failed = true;
    }
  }
  if (own_work_dir && !failed) std::filesystem::remove_all(work_dir);
  if (failed) {
    std::cerr << "load: FAILED: operations failed or the server did not stop "
                 "cleanly"
              << (own_work_dir ? absl::StrCat(" (kept ", work_dir, ")") : "")
              << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace keyward::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Keyward load generator; see bench/README.md. Usage: load "
      "--operations=sign:rsa-2048 --transports=unary,stream "
      "--in_flight=1,32,256");
  absl::ParseCommandLine(argc, argv);
  keyward::TurnOffAbslDeadlockDetection();
  grpc_init();
  const int status = keyward::bench::Main(argc, argv);
  grpc_shutdown_blocking();
  return status;
}
