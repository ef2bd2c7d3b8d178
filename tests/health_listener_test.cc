// The plaintext health listener (health_listen_address): what a Kubernetes
// gRPC probe sees, without a client certificate, next to a mutual TLS data
// plane.
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/server.h"
#include "tests/support/dev_keystore.h"

namespace keyward {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class HealthListenerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("health-listener");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
  }

  static config::ServerConfig Config() {
    config::ServerConfig config;
    config.set_listen_address("127.0.0.1:0");
    config.mutable_tls()->set_server_cert_file(keystore_->server_cert());
    config.mutable_tls()->set_server_key_file(keystore_->server_key());
    config.mutable_tls()->set_client_ca_file(keystore_->ca_cert());
    config.set_health_listen_address("127.0.0.1:0");
    return config;
  }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
        service::KeywardServer::Start(Config(), {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_NE(server_->health_port(), 0);
    ASSERT_NE(server_->health_port(), server_->port());
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->health_port()),
                            grpc::InsecureChannelCredentials());
  }

  static void Deadline(grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  }

  // Check asks the health listener, in plaintext, about `service`.
  grpc::Status Check(const std::string& service,
                     HealthCheckResponse* response) {
    grpc::ClientContext context;
    Deadline(context);
    HealthCheckRequest request;
    request.set_service(service);
    return Health::NewStub(channel_)->Check(&context, request, response);
  }

  static testing::DevKeystore* keystore_;
  std::unique_ptr<service::KeywardServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

testing::DevKeystore* HealthListenerTest::keystore_ = nullptr;

TEST_F(HealthListenerTest, AnswersEveryServiceInPlaintext) {
  for (const char* service :
       {"", "keyward.v1.KeyService", "keyward.v1.AdminService"}) {
    HealthCheckResponse response;
    grpc::Status status = Check(service, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << service;
  }
  HealthCheckResponse response;
  EXPECT_EQ(Check("keyward.v1.NoSuchService", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HealthListenerTest, ServesNothingButHealth) {
  grpc::ClientContext context;
  Deadline(context);
  v1::ListKeysResponse response;
  grpc::Status status = v1::KeyService::NewStub(channel_)->ListKeys(
      &context, v1::ListKeysRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
      << status.error_message();
}

// ReflectionCode sends one empty reflection request on `channel`, as a
// unary call: a server with reflection answers it (with an error inside
// the response) and OK; one without answers UNIMPLEMENTED.
grpc::StatusCode ReflectionCode(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context,
                 "/grpc.reflection.v1alpha.ServerReflection/"
                 "ServerReflectionInfo",
                 grpc::StubOptions(), &request, &response,
                 [&](grpc::Status answered) {
                   status = std::move(answered);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status.error_code();
}

TEST_F(HealthListenerTest, OffersNoReflectionUnlikeTheDataPlane) {
  EXPECT_EQ(ReflectionCode(channel_), grpc::StatusCode::UNIMPLEMENTED);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> mutual_tls =
      client::CreateMutualTlsChannel(
          {absl::StrCat("127.0.0.1:", server_->port()), keystore_->ca_cert(),
           keystore_->client_cert('a'), keystore_->client_key('a'), ""});
  ASSERT_TRUE(mutual_tls.ok()) << mutual_tls.status();
  EXPECT_EQ(ReflectionCode(*mutual_tls), grpc::StatusCode::OK);
}

TEST_F(HealthListenerTest, DataPlaneStillRequiresMutualTls) {
  // The data plane's port does not speak plaintext.
  std::shared_ptr<grpc::Channel> plaintext =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                          grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  Deadline(context);
  HealthCheckResponse response;
  EXPECT_EQ(Health::NewStub(plaintext)
                ->Check(&context, HealthCheckRequest(), &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(HealthListenerTest, WatchSeesNotServingWhenShutdownStarts) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch =
      Health::NewStub(channel_)->Watch(&context, HealthCheckRequest());
  HealthCheckResponse health;
  ASSERT_TRUE(watch->Read(&health));
  EXPECT_EQ(health.status(), HealthCheckResponse::SERVING);
  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(5)); });
  ASSERT_TRUE(watch->Read(&health));
  EXPECT_EQ(health.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(watch->Read(&health));
  EXPECT_TRUE(watch->Finish().ok());
  shutdown.join();
}

TEST(HealthListenerConfigTest, RefusesABadAddress) {
  config::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_allow_plaintext_on_loopback(true);
  config.set_health_listen_address("127.0.0.1");
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
      service::KeywardServer::Start(config, {});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("health_listen_address"),
            std::string::npos)
      << server.status();
}

TEST(HealthListenerConfigTest, NamesAnAddressInUse) {
  config::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_allow_plaintext_on_loopback(true);
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> first =
      service::KeywardServer::Start(config, {});
  ASSERT_TRUE(first.ok()) << first.status();
  config.set_health_listen_address(
      absl::StrCat("127.0.0.1:", (*first)->port()));
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> second =
      service::KeywardServer::Start(config, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("health_listen_address"),
            std::string::npos)
      << second.status();
}

}  // namespace
}  // namespace keyward
