#ifndef KEYWARD_CLIENTS_EDGE_HTTPS_SERVER_H_
#define KEYWARD_CLIENTS_EDGE_HTTPS_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/edge/sni_router.h"

namespace keyward::edge {

// HttpsServerOptions: how the edge serves.
struct HttpsServerOptions {
  // "host:port" with a numeric host ("127.0.0.1:8443", "[::]:0"); port 0
  // picks a free port.
  std::string listen_address = "127.0.0.1:8443";
  // The body of the one response the server gives to every request.
  std::string response_body = "Hello from a keyless edge\n";
  // Limit on the handshake and on each read and write of a connection
  // (the handshake's calls to the key service have their own timeout).
  absl::Duration io_timeout = absl::Seconds(10);
  // Connections served at once; more are closed on arrival.
  int max_connections = 64;
};

// HttpsServer accepts TLS connections, each on its own thread: it completes
// the handshake with the site SniRouter chooses (the provider makes the
// private-key operation, blocking that thread), reads one HTTP request
// head and answers "200 OK" with the configured body, then closes. Each
// finished handshake is logged as
//   handshake: peer=<addr> sni=<name|-> site=<CN> version=<TLSv1.x>
//   cipher=<name> ems=<yes|no|->
// and each failed one as "handshake failed: peer=<addr> sni=...: <OpenSSL
// errors>"; a failure never stops the server.
class HttpsServer {
 public:
  // Start listens and starts accepting. InvalidArgument for a malformed
  // listen_address; Unavailable when it cannot be bound. `router` must
  // outlive the server.
  static absl::StatusOr<std::unique_ptr<HttpsServer>> Start(
      const HttpsServerOptions& options, const SniRouter* router);

  // The destructor stops the server (see Stop).
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  int port() const { return port_; }

  // Stop stops accepting and waits for the connections in progress to
  // end (each is bounded by io_timeout per step). Idempotent.
  void Stop();

 private:
  HttpsServer(const HttpsServerOptions& options, const SniRouter* router,
              int listen_fd, int port);

  void AcceptLoop();
  void Serve(int fd, std::string peer);

  const HttpsServerOptions options_;
  const SniRouter* const router_;
  const int listen_fd_;
  const int port_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;

  std::mutex mu_;
  // Guards active_: connections being served; Stop waits for zero.
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  std::condition_variable idle_;
};

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_HTTPS_SERVER_H_
