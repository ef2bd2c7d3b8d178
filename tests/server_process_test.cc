// The keyward_server binary: starts from flags, serves, stops on SIGTERM.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/server_process.h"

namespace keyward {
namespace {

using testing::ServerProcess;

// ServingFlags starts the server on a free port with `keystore`.
std::vector<std::string> ServingFlags(const testing::DevKeystore& keystore) {
  return {
      "--listen_address=127.0.0.1:0", "--tls_cert=" + keystore.server_cert(),
      "--tls_key=" + keystore.server_key(), "--client_ca=" + keystore.ca_cert(),
      "--keystore_dir=" + keystore.dir};
}

std::shared_ptr<grpc::Channel> Channel(const testing::DevKeystore& keystore,
                                       int port) {
  client::ChannelOptions options{absl::StrCat("127.0.0.1:", port),
                                 keystore.ca_cert(), keystore.client_cert('a'),
                                 keystore.client_key('a'), ""};
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      client::CreateMutualTlsChannel(options);
  EXPECT_TRUE(channel.ok()) << channel.status();
  return channel.ok() ? *channel : nullptr;
}

// KeyCount asks ListKeys how many keys edge/a sees (-1 on error).
int KeyCount(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::ListKeysResponse response;
  grpc::Status status = v1::KeyService::NewStub(channel)->ListKeys(
      &context, v1::ListKeysRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return status.ok() ? response.keys_size() : -1;
}

TEST(ServerProcessTest, ServesMutualTlsAndStopsOnSigterm) {
  absl::StatusOr<testing::DevKeystore> keystore =
      testing::MakeDevKeystore("process");
  ASSERT_TRUE(keystore.ok()) << keystore.status();
  ServerProcess server(ServingFlags(*keystore));
  const int port = server.Port();
  ASSERT_NE(port, 0);
  EXPECT_NE(server.log().find("keystore: 5 keys from"), std::string::npos)
      << server.log();

  std::shared_ptr<grpc::Channel> channel = Channel(*keystore, port);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(
      &context, grpc::health::v1::HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(KeyCount(channel), 5);

  int exit_status = server.Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(exit_status)) << server.log();
  EXPECT_EQ(WEXITSTATUS(exit_status), 0) << server.log();
  EXPECT_NE(server.log().find("stopped"), std::string::npos) << server.log();
}

TEST(ServerProcessTest, SighupReloadsAndABrokenKeystoreKeepsServing) {
  absl::StatusOr<testing::DevKeystore> keystore =
      testing::MakeDevKeystore("process-sighup");
  ASSERT_TRUE(keystore.ok()) << keystore.status();
  ServerProcess server(ServingFlags(*keystore));
  const int port = server.Port();
  ASSERT_NE(port, 0);
  std::shared_ptr<grpc::Channel> channel = Channel(*keystore, port);
  ASSERT_EQ(KeyCount(channel), 5);

  // Drop the last key (ed25519) from the manifest: the reload swaps it in.
  const std::string manifest_path = keystore->dir + "/manifest.textproto";
  std::string manifest;
  {
    std::ifstream in(manifest_path);
    std::stringstream text;
    text << in.rdbuf();
    manifest = text.str();
  }
  const size_t last_key = manifest.rfind("key {");
  ASSERT_NE(last_key, std::string::npos);
  std::ofstream(manifest_path) << manifest.substr(0, last_key);
  server.Signal(SIGHUP);
  EXPECT_NE(server.ReadLineContaining("keystore reloaded (SIGHUP): 4 keys, "
                                      "generation 2"),
            "")
      << server.log();
  EXPECT_EQ(KeyCount(channel), 4);

  // A manifest naming a missing file: reported, and generation 2 serves on.
  std::ofstream(manifest_path)
      << manifest +
             "key { name: \"gone\" private_key_file: \"keys/gone.key\" "
             "certificate_chain_file: \"keys/gone.crt\" }\n";
  server.Signal(SIGHUP);
  const std::string failure =
      server.ReadLineContaining("keystore reload (SIGHUP) failed");
  EXPECT_NE(failure.find("still serving generation 2"), std::string::npos)
      << server.log();
  EXPECT_NE(failure.find("gone.key"), std::string::npos) << failure;
  EXPECT_EQ(KeyCount(channel), 4);

  const int exit_status = server.Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(exit_status)) << server.log();
  EXPECT_EQ(WEXITSTATUS(exit_status), 0) << server.log();
}

TEST(ServerProcessTest, RefusesToStartWithoutAKeystore) {
  absl::StatusOr<testing::DevKeystore> keystore =
      testing::MakeDevKeystore("process-no-keystore");
  ASSERT_TRUE(keystore.ok()) << keystore.status();
  std::vector<std::string> flags = ServingFlags(*keystore);
  flags.pop_back();  // --keystore_dir
  ServerProcess server(flags);
  const int exit_status = server.Wait();
  ASSERT_TRUE(WIFEXITED(exit_status));
  EXPECT_NE(WEXITSTATUS(exit_status), 0);
  EXPECT_NE(server.log().find("keystore.directory is empty"), std::string::npos)
      << server.log();
}

TEST(ServerProcessTest, RefusesPlaintextOnAnyAddress) {
  ServerProcess server({"--listen_address=0.0.0.0:0"});
  int exit_status = server.Wait();
  ASSERT_TRUE(WIFEXITED(exit_status));
  EXPECT_NE(WEXITSTATUS(exit_status), 0);
  EXPECT_NE(server.log().find("without TLS"), std::string::npos)
      << server.log();
}

TEST(ServerProcessTest, HelpListsEveryFlag) {
  ServerProcess server({"--help"});
  server.Wait();
  for (const char* flag : {"--config", "--keystore_dir", "--listen_address",
                           "--tls_cert", "--tls_key", "--client_ca"}) {
    EXPECT_NE(server.log().find(flag), std::string::npos)
        << flag << " missing from:\n"
        << server.log();
  }
}

}  // namespace
}  // namespace keyward
