#ifndef KEYWARD_TESTS_SUPPORT_TEST_SERVER_H_
#define KEYWARD_TESTS_SUPPORT_TEST_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/impl/service_type.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/keyward_services.h"
#include "service/server.h"
#include "service/server_config.pb.h"
#include "tests/support/dev_keystore.h"

namespace keyward::testing {

// The identities of the dev keystore's client certificates.
inline constexpr char kEdgeA[] = "spiffe://keyward.dev/edge/a";
inline constexpr char kEdgeB[] = "spiffe://keyward.dev/edge/b";

// TestServerConfig: 127.0.0.1:0, mutual TLS with the dev keystore's endpoint
// certificate and CA, keystore.directory = the dev keystore, edge/a as the
// only admin identity, default limits, the audit log in a new file under
// $TEST_TMPDIR (audit().path()), no metrics endpoint (stopping one takes
// prometheus-cpp's web server about 2 s).
config::ServerConfig TestServerConfig(const DevKeystore& keystore);

// EdgeChannel opens a mutual TLS channel to 127.0.0.1:`port` presenting the
// client certificate of edge `edge` ('a' or 'b') from `keystore`.
std::shared_ptr<grpc::Channel> EdgeChannel(const DevKeystore& keystore,
                                           int port, char edge);

// TestServer is the real server, wired exactly as keyward_server wires it
// (KeywardServices + KeywardServer), on a free port.
class TestServer {
 public:
  // Start loads `config`'s keystore and starts serving; fails as
  // KeywardServices::Create and KeywardServer::Start do.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      const config::ServerConfig& config);

  ~TestServer();

  int port() const { return server_->port(); }

  // Shutdown stops serving as SIGTERM does: new calls are refused and calls
  // in flight get `grace` to finish. The destructor does it with no grace.
  void Shutdown(absl::Duration grace) { server_->Shutdown(grace); }
  service::KeywardServices& services() { return *services_; }

  // Stubs for an edge's channel ('a' or 'b'), sharing one channel per edge
  // (created on first use; call from the test thread).
  std::unique_ptr<v1::KeyService::Stub> KeyService(char edge);
  std::unique_ptr<v1::AdminService::Stub> Admin(char edge);
  std::shared_ptr<grpc::Channel> Channel(char edge);

 private:
  TestServer(DevKeystore keystore, std::unique_ptr<service::KeywardServices> s,
             std::unique_ptr<service::KeywardServer> server);

  const DevKeystore keystore_;
  std::unique_ptr<service::KeywardServices> services_;
  std::unique_ptr<service::KeywardServer> server_;
  std::shared_ptr<grpc::Channel> channels_[2];
};

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_TEST_SERVER_H_
