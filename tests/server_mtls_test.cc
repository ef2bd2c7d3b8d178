// The server over mutual TLS: who gets in and who does not.
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/support/dev_keystore.h"

namespace keyward {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class ServerMtlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("mtls");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
    absl::StatusOr<testing::DevKeystore> other =
        testing::MakeDevKeystore("other-ca");
    ASSERT_TRUE(other.ok()) << other.status();
    other_ca_ = new testing::DevKeystore(*other);
  }

  void SetUp() override {
    config::ServerConfig config;
    config.set_listen_address("127.0.0.1:0");
    config.mutable_tls()->set_server_cert_file(keystore_->server_cert());
    config.mutable_tls()->set_server_key_file(keystore_->server_key());
    config.mutable_tls()->set_client_ca_file(keystore_->ca_cert());
    absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
        service::KeywardServer::Start(config, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Health asks the server with the given client certificate (none when
  // `edge` is 0) from `keystore`, and returns the call's status.
  grpc::Status Health(const testing::DevKeystore& keystore, char edge,
                      HealthCheckResponse* response) {
    client::ChannelOptions options;
    options.endpoint = absl::StrCat("127.0.0.1:", server_->port());
    options.ca_file = keystore_->ca_cert();
    if (edge != 0) {
      options.cert_file = keystore.client_cert(edge);
      options.key_file = keystore.client_key(edge);
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        client::CreateMutualTlsChannel(options);
    EXPECT_TRUE(channel.ok()) << channel.status();
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return Health::NewStub(*channel)->Check(&context, HealthCheckRequest(),
                                            response);
  }

  static testing::DevKeystore* keystore_;
  static testing::DevKeystore* other_ca_;
  std::unique_ptr<service::KeywardServer> server_;
};

testing::DevKeystore* ServerMtlsTest::keystore_ = nullptr;
testing::DevKeystore* ServerMtlsTest::other_ca_ = nullptr;

TEST_F(ServerMtlsTest, BothEdgeIdentitiesGetServing) {
  for (char edge : {'a', 'b'}) {
    HealthCheckResponse response;
    grpc::Status status = Health(*keystore_, edge, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  }
}

TEST_F(ServerMtlsTest, RefusesClientWithoutCertificate) {
  HealthCheckResponse response;
  EXPECT_EQ(Health(*keystore_, 0, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerMtlsTest, RefusesCertificateFromAnotherCa) {
  HealthCheckResponse response;
  EXPECT_EQ(Health(*other_ca_, 'a', &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerMtlsTest, ShutdownStopsServing) {
  server_->Shutdown(absl::ZeroDuration());
  HealthCheckResponse response;
  EXPECT_FALSE(Health(*keystore_, 'a', &response).ok());
}

TEST(ServerStartTest, RefusesPlaintextOffLoopback) {
  config::ServerConfig config;
  config.set_listen_address("0.0.0.0:0");
  config.set_allow_plaintext_on_loopback(true);
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
      service::KeywardServer::Start(config, {});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerStartTest, NamesAMissingCertificateFile) {
  config::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.mutable_tls()->set_server_cert_file("/nonexistent/server.crt");
  config.mutable_tls()->set_server_key_file("/nonexistent/server.key");
  config.mutable_tls()->set_client_ca_file("/nonexistent/ca.crt");
  absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
      service::KeywardServer::Start(config, {});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(server.status().message().find("/nonexistent/ca.crt"),
            std::string::npos)
      << server.status();
  // With the CA bundle in place, the missing endpoint certificate is named.
  absl::StatusOr<testing::DevKeystore> keystore =
      testing::MakeDevKeystore("missing-certificate");
  ASSERT_TRUE(keystore.ok()) << keystore.status();
  config.mutable_tls()->set_client_ca_file(keystore->ca_cert());
  server = service::KeywardServer::Start(config, {});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(server.status().message().find("/nonexistent/server.crt"),
            std::string::npos)
      << server.status();
}

}  // namespace
}  // namespace keyward
