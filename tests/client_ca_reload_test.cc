// The trusted client CA bundle follows its file without a restart: a CA
// added to the bundle lets its clients in, a CA removed keeps new
// connections of its clients out, and connections already made stay up.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// How long the server may take to notice a changed file (it checks every
// second); reaching it means the change was never picked up.
constexpr absl::Duration kPickUpDeadline = absl::Seconds(60);

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replace writes `contents` to `path` by renaming a new file over it, as
// deployment tools do, so the server never reads half a file.
void Replace(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    ASSERT_TRUE(out.good()) << temporary;
  }
  ASSERT_EQ(std::rename(temporary.c_str(), path.c_str()), 0) << path;
}

class ClientCaReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore(absl::StrCat("ca-reload-", name));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    absl::StatusOr<testing::DevKeystore> other =
        testing::MakeDevKeystore(absl::StrCat("ca-reload-other-", name));
    ASSERT_TRUE(other.ok()) << other.status();
    other_ = *other;
    // The server reads its client CA bundle from a file of its own.
    client_cas_ = keystore_.dir + "/client-cas.pem";
    original_bundle_ = Contents(keystore_.ca_cert());
    Replace(client_cas_, original_bundle_);
    config::ServerConfig config = testing::TestServerConfig(keystore_);
    config.mutable_tls()->set_client_ca_file(client_cas_);
    config.mutable_tls()->set_reload_interval_seconds(1);
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // A channel of the other CA's edge a, on a connection of its own (no
  // subchannel shared with earlier channels).
  std::shared_ptr<grpc::Channel> OtherCaChannel() {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        client::MutualTlsCredentials(keystore_.ca_cert(),
                                     other_.client_cert('a'),
                                     other_.client_key('a'));
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->port()), *credentials, arguments);
  }

  static grpc::StatusCode Check(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    HealthCheckResponse response;
    return Health::NewStub(channel)
        ->Check(&context, HealthCheckRequest(), &response)
        .error_code();
  }

  // AwaitNewConnections polls with fresh connections until one gets `code`
  // or kPickUpDeadline passes; returns the last code seen.
  grpc::StatusCode AwaitNewConnections(grpc::StatusCode code) {
    const absl::Time give_up = absl::Now() + kPickUpDeadline;
    grpc::StatusCode seen = Check(OtherCaChannel());
    while (seen != code && absl::Now() < give_up) {
      seen = Check(OtherCaChannel());
    }
    return seen;
  }

  testing::DevKeystore keystore_;
  testing::DevKeystore other_;
  std::string client_cas_;
  std::string original_bundle_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(ClientCaReloadTest, AddingAndRemovingACaTakesEffectWithoutARestart) {
  ASSERT_EQ(Check(OtherCaChannel()), grpc::StatusCode::UNAVAILABLE);

  Replace(client_cas_, original_bundle_ + Contents(other_.ca_cert()));
  ASSERT_EQ(AwaitNewConnections(grpc::StatusCode::OK), grpc::StatusCode::OK);
  std::shared_ptr<grpc::Channel> admitted = OtherCaChannel();
  ASSERT_EQ(Check(admitted), grpc::StatusCode::OK);
  // The first CA's clients were never affected.
  ASSERT_EQ(Check(server_->Channel('a')), grpc::StatusCode::OK);

  Replace(client_cas_, original_bundle_);
  EXPECT_EQ(AwaitNewConnections(grpc::StatusCode::UNAVAILABLE),
            grpc::StatusCode::UNAVAILABLE);
  // A connection made while the CA was trusted stays up.
  EXPECT_EQ(admitted->GetState(false), GRPC_CHANNEL_READY);
  EXPECT_EQ(Check(admitted), grpc::StatusCode::OK);
  EXPECT_EQ(Check(server_->Channel('b')), grpc::StatusCode::OK);
}

TEST_F(ClientCaReloadTest, ABrokenBundleKeepsTheLastGoodOne) {
  Replace(client_cas_, "not a certificate\n");
  // Give the watcher a chance to see the broken file: a client of the good
  // CA connecting afresh must still get in every time meanwhile.
  const absl::Time until = absl::Now() + absl::Seconds(3);
  int checks = 0;
  while (absl::Now() < until) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        client::MutualTlsCredentials(keystore_.ca_cert(),
                                     keystore_.client_cert('a'),
                                     keystore_.client_key('a'));
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    ASSERT_EQ(Check(grpc::CreateCustomChannel(
                  absl::StrCat("127.0.0.1:", server_->port()), *credentials,
                  arguments)),
              grpc::StatusCode::OK);
    ++checks;
  }
  std::printf("%d fresh connections admitted with a broken bundle on disk\n",
              checks);
}

}  // namespace
}  // namespace keyward
