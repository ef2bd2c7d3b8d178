#ifndef KEYWARD_BENCH_LOAD_DRIVER_H_
#define KEYWARD_BENCH_LOAD_DRIVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/latency_summary.h"
#include "bench/workload.h"
#include "clients/cpp/keyward_client.h"

namespace keyward::bench {

// Transport: how requests reach the service.
enum class Transport {
  // One unary call per operation, through KeywardClient's asynchronous
  // (gRPC callback API) methods.
  kUnary,
  // Operations submitted on KeyService.Pipeline streams
  // (KeywardClient::OpenPipeline).
  kStream,
  // One unary call per operation through KeywardClient's blocking methods,
  // one thread per operation in flight: what a TLS server that blocks in
  // its handshake (the OpenSSL provider) does.
  kBlocking,
};

// TransportName: "unary", "stream" or "blocking".
const char* TransportName(Transport transport);

// LoadOptions: one closed-loop load: `in_flight` operations are kept
// outstanding at all times (each completion issues the next), first for
// `warmup`, then for the measured `duration`.
struct LoadOptions {
  Transport transport = Transport::kUnary;
  int in_flight = 1;
  // Pipeline streams the operations are spread over (kStream only).
  int streams = 1;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(5);
  // Deadline of each unary call.
  absl::Duration call_timeout = absl::Seconds(10);
};

// LoadResult: what the measured window saw.
struct LoadResult {
  // Successful operations completed inside the window.
  uint64_t ops = 0;
  // The window's actual length.
  absl::Duration window;
  // Latency (issue to completion, as the client sees it) of those
  // operations.
  LatencySummary latency;
  // Failed operations over the whole run (warm-up included), by status
  // code name. RESOURCE_EXHAUSTED is load shedding; anything else is an
  // error.
  std::map<std::string, uint64_t> failures;
  // The first failure's status, for the report.
  std::string first_failure;

  double OpsPerSecond() const;
  // Errors: failures other than RESOURCE_EXHAUSTED.
  uint64_t Errors() const;
  uint64_t Shed() const;
};

// WindowHooks run on the driver's thread just before the measured window
// opens and just after it closes (to read CPU counters). Either may be
// empty.
struct WindowHooks {
  std::function<void()> opened;
  std::function<void()> closed;
};

// RunLoad runs `options` with `workload`'s requests (cycled through) against
// `client`, and returns when every operation it issued has completed. A
// slot whose operation fails with anything but RESOURCE_EXHAUSTED stops
// issuing (the result is then invalid anyway: errors must be zero).
// InvalidArgument for in_flight or streams < 1; a stream's failure shows
// up as failures of its operations.
absl::StatusOr<LoadResult> RunLoad(client::KeywardClient& client,
                                   const Workload& workload,
                                   const LoadOptions& options,
                                   const WindowHooks& hooks);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_LOAD_DRIVER_H_
