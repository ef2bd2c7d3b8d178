#include "tests/support/test_server.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "gtest/gtest.h"

namespace keyward::testing {

config::ServerConfig TestServerConfig(const DevKeystore& keystore) {
  config::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.mutable_tls()->set_server_cert_file(keystore.server_cert());
  config.mutable_tls()->set_server_key_file(keystore.server_key());
  config.mutable_tls()->set_client_ca_file(keystore.ca_cert());
  config.mutable_keystore()->set_directory(keystore.dir);
  config.add_admin_identities(kEdgeA);
  // Every test server audits to a file of its own, so that every test
  // exercises the audit log.
  static std::atomic<int> servers{0};
  const char* tmp = std::getenv("TEST_TMPDIR");
  config.mutable_audit()->set_path(
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/audit-", getpid(), "-",
                   servers.fetch_add(1), ".jsonl"));
  return config;
}

std::shared_ptr<grpc::Channel> EdgeChannel(const DevKeystore& keystore,
                                           int port, char edge) {
  client::ChannelOptions options;
  options.endpoint = absl::StrCat("127.0.0.1:", port);
  options.ca_file = keystore.ca_cert();
  options.cert_file = keystore.client_cert(edge);
  options.key_file = keystore.client_key(edge);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      client::CreateMutualTlsChannel(options);
  EXPECT_TRUE(channel.ok()) << channel.status();
  return channel.ok() ? *channel : nullptr;
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(
    const config::ServerConfig& config) {
  absl::StatusOr<std::unique_ptr<service::KeywardServices>> services =
      service::KeywardServices::Create(config);
  if (!services.ok()) return services.status();
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
      service::KeywardServer::Start(config, (*services)->services());
  if (!server.ok()) return server.status();
  DevKeystore keystore{config.keystore().directory()};
  return std::unique_ptr<TestServer>(new TestServer(
      std::move(keystore), *std::move(services), *std::move(server)));
}

TestServer::TestServer(DevKeystore keystore,
                       std::unique_ptr<service::KeywardServices> services,
                       std::unique_ptr<service::KeywardServer> server)
    : keystore_(std::move(keystore)),
      services_(std::move(services)),
      server_(std::move(server)) {}

TestServer::~TestServer() {
  // Clients hang up first, so that their connections close cleanly; then the
  // server goes, before the services its calls use.
  for (std::shared_ptr<grpc::Channel>& channel : channels_) channel.reset();
  server_->Shutdown(absl::Seconds(5));
  server_.reset();
}

std::shared_ptr<grpc::Channel> TestServer::Channel(char edge) {
  std::shared_ptr<grpc::Channel>& channel = channels_[edge == 'a' ? 0 : 1];
  if (channel == nullptr) channel = EdgeChannel(keystore_, port(), edge);
  return channel;
}

std::unique_ptr<v1::KeyService::Stub> TestServer::KeyService(char edge) {
  return v1::KeyService::NewStub(Channel(edge));
}

std::unique_ptr<v1::AdminService::Stub> TestServer::Admin(char edge) {
  return v1::AdminService::NewStub(Channel(edge));
}

}  // namespace keyward::testing
