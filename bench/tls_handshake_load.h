#ifndef KEYWARD_BENCH_TLS_HANDSHAKE_LOAD_H_
#define KEYWARD_BENCH_TLS_HANDSHAKE_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/latency_summary.h"

namespace keyward::bench {

// HandshakeLoadOptions: a closed loop of full TLS handshakes against one
// HTTPS server on 127.0.0.1.
struct HandshakeLoadOptions {
  int port = 0;
  // SNI name, also the name verified in the server's certificate.
  std::string host;
  // CA bundle (PEM) that the server's chain must verify against.
  std::string ca_file;
  // "1.3" or "1.2": the only version offered.
  std::string tls_version = "1.3";
  // Client threads, each with one connection at a time.
  int connections = 1;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
};

// HandshakeLoadResult: what the measured window saw.
struct HandshakeLoadResult {
  // Connections that completed: TCP connect, a full handshake (no session
  // resumption: the client keeps no sessions and refuses tickets), the
  // server's chain verified, one HTTP/1.0 request and the whole response.
  int64_t handshakes = 0;
  // Connections that failed at any step, and the first failure's reason.
  int64_t errors = 0;
  std::string first_error;
  // From the start of the TCP connect to the end of the response.
  LatencySummary latency;
  absl::Duration window;
};

// HandshakeWindowHooks run on the load's own thread at the measured window's
// edges (after the warm-up, and at its end), e.g. to read CPU counters.
struct HandshakeWindowHooks {
  std::function<void()> opened;
  std::function<void()> closed;
};

// RunHandshakeLoad keeps `connections` handshakes going for the warm-up and
// then the measured window; only connections that start inside the window
// count. InvalidArgument for options out of range; Internal when OpenSSL
// cannot set up the client (e.g. an unreadable CA file).
absl::StatusOr<HandshakeLoadResult> RunHandshakeLoad(
    const HandshakeLoadOptions& options, const HandshakeWindowHooks& hooks);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_TLS_HANDSHAKE_LOAD_H_
