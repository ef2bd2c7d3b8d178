// grpc_floor: what one empty unary gRPC call costs on this machine, for
// each way of threading a gRPC C++ server (echo_server.h), in one run.
// Each model is served by a child process (this binary with --serve), so
// that its CPU time is its own; the same client calls it one call at a
// time over plaintext loopback, checks every echo, and reports latency and
// the CPU time of both ends per call, with ratios to the callback model
// that keyward_server uses. This is the floor under the service's own
// figures (bench/load): no TLS, no handler work.
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "bench/dev_keystore.h"
#include "bench/echo_server.h"
#include "bench/latency_summary.h"
#include "bench/process_cpu.h"
#include "bench/report.h"
#include "bench/runfiles.h"
#include "bench/server_process.h"
#include "grpc/grpc.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "third_party/absl_deadlock_detection.h"

ABSL_FLAG(std::vector<std::string>, models,
          std::vector<std::string>({"callback", "async-1", "async-2",
                                    "async-1+callback"}),
          "Server models to measure: callback, async-1, async-2, "
          "async-1+callback.");
ABSL_FLAG(int, calls, 20000, "Measured calls per model, one at a time.");
ABSL_FLAG(int, warmup_calls, 1000, "Calls before the measured ones.");
ABSL_FLAG(int, payload_bytes, 100,
          "Bytes of each request (and echo); about a Sign request's.");
ABSL_FLAG(std::string, markdown_out, "", "Write the Markdown table here.");
ABSL_FLAG(std::string, serve, "",
          "Internal: serve this model and wait for SIGTERM (the child).");

namespace keyward::bench {
namespace {

struct ModelResult {
  EchoModel model = EchoModel::kCallback;
  LatencySummary latency;
  absl::Duration server_cpu_per_call;
  absl::Duration client_cpu_per_call;
};

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// Echo makes one call and returns the bytes answered.
absl::StatusOr<std::string> Echo(grpc::GenericStub& stub,
                                 const grpc::ByteBuffer& request) {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/keyward.bench.Echo/Echo", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status answered) {
                   status = std::move(answered);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("echo failed: ", status.error_message()));
  }
  return Flatten(response);
}

absl::StatusOr<ModelResult> Measure(EchoModel model, const std::string& self,
                                    const std::string& work_dir) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      self, {absl::StrCat("--serve=", EchoModelName(model))},
      absl::StrCat(work_dir, "/", EchoModelName(model), ".log"));
  if (!server.ok()) return server.status();
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials()));
  std::string payload(static_cast<size_t>(absl::GetFlag(FLAGS_payload_bytes)),
                      '\0');
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>('a' + i % 26);
  }
  grpc::Slice slice(payload);
  const grpc::ByteBuffer request(&slice, 1);
  const int warmup = absl::GetFlag(FLAGS_warmup_calls);
  const int calls = absl::GetFlag(FLAGS_calls);
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(calls));
  absl::Duration server_start;
  absl::Duration self_start;
  for (int i = 0; i < warmup + calls; ++i) {
    if (i == warmup) {
      absl::StatusOr<absl::Duration> cpu = ProcessCpuTime((*server)->pid());
      if (!cpu.ok()) return cpu.status();
      server_start = *cpu;
      self_start = SelfCpuTime();
    }
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<std::string> echoed = Echo(stub, request);
    const auto end = std::chrono::steady_clock::now();
    if (!echoed.ok()) return echoed.status();
    if (*echoed != payload) {
      return absl::InternalError(absl::StrCat(
          EchoModelName(model), ": the echo differs from the request"));
    }
    if (i >= warmup) {
      latencies.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - start)
              .count());
    }
  }
  absl::StatusOr<absl::Duration> server_end = ProcessCpuTime((*server)->pid());
  if (!server_end.ok()) return server_end.status();
  const absl::Duration self_end = SelfCpuTime();
  if (absl::Status stopped = (*server)->Stop(); !stopped.ok()) return stopped;
  ModelResult result;
  result.model = model;
  result.latency = Summarize(std::move(latencies));
  result.server_cpu_per_call = (*server_end - server_start) / calls;
  result.client_cpu_per_call = (self_end - self_start) / calls;
  return result;
}

double Micros(absl::Duration d) { return absl::ToDoubleMicroseconds(d); }

std::string MarkdownTable(const std::vector<ModelResult>& results) {
  std::string table = absl::StrCat(
      "| server model | calls | p50 µs | p90 µs | p99 µs | server CPU µs/call "
      "| client CPU µs/call | p50 ÷ callback | server CPU ÷ callback |\n"
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  const ModelResult* callback = nullptr;
  for (const ModelResult& result : results) {
    if (result.model == EchoModel::kCallback) callback = &result;
  }
  for (const ModelResult& result : results) {
    std::string p50_ratio = "-";
    std::string cpu_ratio = "-";
    if (callback != nullptr) {
      p50_ratio = absl::StrFormat(
          "%.2f", Micros(result.latency.p50) / Micros(callback->latency.p50));
      cpu_ratio = absl::StrFormat("%.2f",
                                  Micros(result.server_cpu_per_call) /
                                      Micros(callback->server_cpu_per_call));
    }
    absl::StrAppend(
        &table,
        absl::StrFormat("| %s | %d | %.0f | %.0f | %.0f | %.1f | %.1f | %s | "
                        "%s |\n",
                        EchoModelName(result.model), result.latency.count,
                        Micros(result.latency.p50), Micros(result.latency.p90),
                        Micros(result.latency.p99),
                        Micros(result.server_cpu_per_call),
                        Micros(result.client_cpu_per_call), p50_ratio,
                        cpu_ratio));
  }
  return table;
}

int Main() {
  if (absl::GetFlag(FLAGS_calls) < 1 || absl::GetFlag(FLAGS_warmup_calls) < 0 ||
      absl::GetFlag(FLAGS_payload_bytes) < 1) {
    std::cerr << "grpc_floor: --calls and --payload_bytes must be positive\n";
    return 2;
  }
  absl::StatusOr<std::vector<EchoModel>> models =
      ParseEchoModels(absl::GetFlag(FLAGS_models));
  if (!models.ok()) {
    std::cerr << "grpc_floor: " << models.status().message() << "\n";
    return 2;
  }
  const std::string work_dir = MakeTempDir("keyward-grpc-floor.");
  const std::string self = ExecutablePath();
  std::vector<ModelResult> results;
  for (EchoModel model : *models) {
    absl::StatusOr<ModelResult> result = Measure(model, self, work_dir);
    if (!result.ok()) {
      std::cerr << "grpc_floor: " << EchoModelName(model) << ": "
                << result.status().message() << " (logs in " << work_dir
                << ")\n";
      return 1;
    }
    std::cout << absl::StrFormat(
                     "%-9s p50=%.0fus p99=%.0fus server_cpu=%.1fus/call "
                     "client_cpu=%.1fus/call",
                     EchoModelName(model), Micros(result->latency.p50),
                     Micros(result->latency.p99),
                     Micros(result->server_cpu_per_call),
                     Micros(result->client_cpu_per_call))
              << std::endl;
    results.push_back(*std::move(result));
  }
  const std::string table = MarkdownTable(results);
  std::cout << "\n" << table;
  if (!absl::GetFlag(FLAGS_markdown_out).empty()) {
    if (absl::Status written =
            WriteFile(absl::GetFlag(FLAGS_markdown_out), table);
        !written.ok()) {
      std::cerr << "grpc_floor: " << written.message() << "\n";
      return 1;
    }
  }
  return 0;
}

int Serve(const std::string& name) {
  absl::StatusOr<std::vector<EchoModel>> model = ParseEchoModels({name});
  if (!model.ok()) {
    std::cerr << "grpc_floor: " << model.status().message() << "\n";
    return 2;
  }
  if (absl::Status served = ServeEcho(model->front()); !served.ok()) {
    std::cerr << "grpc_floor: " << served.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace keyward::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "What one empty unary gRPC call costs, by server threading model; see "
      "bench/README.md. Usage: grpc_floor --models=callback,async-1");
  absl::ParseCommandLine(argc, argv);
  keyward::TurnOffAbslDeadlockDetection();
  const std::string serve = absl::GetFlag(FLAGS_serve);
  if (!serve.empty()) {
    // Blocked before gRPC starts its threads, so that ServeEcho takes it.
    sigset_t terminate;
    sigemptyset(&terminate);
    sigaddset(&terminate, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &terminate, nullptr);
  }
  grpc_init();
  const int status = serve.empty() ? keyward::bench::Main()
                                   : keyward::bench::Serve(serve);
  grpc_shutdown_blocking();
  return status;
}
