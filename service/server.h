#ifndef KEYWARD_SERVICE_SERVER_H_
#define KEYWARD_SERVICE_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "service/client_ca_bundle.h"
#include "service/health_service.h"
#include "service/server_config.pb.h"

namespace keyward::service {

// KeywardServer owns the running gRPC server of the data plane: the
// grpc.health.v1.Health service (health_service.h), server reflection, and
// the services passed to Start; and, when health_listen_address is set, a
// plaintext server answering only health checks (no reflection) with the
// same statuses, for probes that cannot do mutual TLS.
class KeywardServer {
 public:
  // Start validates `config`, binds its listen address (mutual TLS, or
  // plaintext on loopback when the config allows it) and starts serving
  // `services` (normally KeywardServices::services()) with the config's
  // limits: maximum receive message size, maximum concurrent streams per
  // connection. `services` are not owned and must outlive the server.
  // Fails with the validation error, or Unavailable when an address cannot
  // be bound.
  static absl::StatusOr<std::unique_ptr<KeywardServer>> Start(
      const config::ServerConfig& config, std::vector<grpc::Service*> services);

  KeywardServer(const KeywardServer&) = delete;
  KeywardServer& operator=(const KeywardServer&) = delete;
  ~KeywardServer();

  // port is the bound TCP port (the chosen one when the config said 0).
  int port() const { return port_; }

  // health_port is the bound port of the health listener; 0 without one.
  int health_port() const { return health_listener_.port; }

  // ReloadClientCas checks the client CA bundle file now instead of at the
  // next interval (see ClientCaBundle::Refresh); OK without TLS.
  absl::Status ReloadClientCas();

  // Shutdown reports NOT_SERVING to health checks on both listeners (and
  // ends their Watch streams), stops accepting calls and waits up to
  // `grace` for in-flight calls, then cancels the rest; the health listener
  // stops last, within the same grace. Safe to call more than once.
  void Shutdown(absl::Duration grace);

 private:
  // HealthListener is the plaintext health-only server.
  struct HealthListener {
    std::unique_ptr<HealthService> health;
    std::unique_ptr<grpc::Server> server;
    int port = 0;
  };

  // StartHealthListener serves a new HealthService for `services` on
  // `address`, without TLS.
  static absl::StatusOr<HealthListener> StartHealthListener(
      const std::string& address, const std::vector<std::string>& services);

  KeywardServer(std::unique_ptr<ClientCaBundle> client_cas,
                std::unique_ptr<HealthService> health,
                std::unique_ptr<grpc::Server> server, int port,
                HealthListener health_listener);

  // Declared before server_, so that they outlive it. client_cas_ is null
  // without TLS.
  const std::unique_ptr<ClientCaBundle> client_cas_;
  const std::unique_ptr<HealthService> health_;
  std::unique_ptr<grpc::Server> server_;
  const int port_;
  // Empty (null server, port 0) without health_listen_address.
  const HealthListener health_listener_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SERVER_H_
