// The server's limits, hit deliberately through the real server: the rate
// and in-flight limits per identity (RESOURCE_EXHAUSTED with a retry hint,
// health checks still answered), concurrent streams per connection, idle
// connections and keepalive enforcement.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using grpc::StatusCode;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kP256Host[] = "ecdsa-p256.dev.keyward.test";
constexpr char kRsa3072Host[] = "rsa-3072.dev.keyward.test";

v1::SignRequest P256Sign() {
  v1::SignRequest request;
  request.mutable_key()->set_server_name(kP256Host);
  request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  request.set_message("limits");
  return request;
}

std::unique_ptr<grpc::ClientContext> WithDeadline(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// Healthy asks grpc.health.v1 on `channel` and expects SERVING promptly.
void ExpectServing(const std::shared_ptr<grpc::Channel>& channel) {
  std::unique_ptr<grpc::ClientContext> context =
      WithDeadline(absl::Seconds(5));
  HealthCheckResponse response;
  const grpc::Status status = Health::NewStub(channel)->Check(
      context.get(), HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore = testing::MakeDevKeystore(
        absl::StrCat("limits-", ::testing::UnitTest::GetInstance()
                                    ->current_test_info()
                                    ->name()));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    config_ = testing::TestServerConfig(keystore_);
  }

  void StartServer() {
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // A mutual TLS channel of edge a with extra channel arguments.
  std::shared_ptr<grpc::Channel> ChannelWith(
      const grpc::ChannelArguments& arguments) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        client::MutualTlsCredentials(keystore_.ca_cert(),
                                     keystore_.client_cert('a'),
                                     keystore_.client_key('a'));
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->port()), *credentials, arguments);
  }

  testing::DevKeystore keystore_;
  config::ServerConfig config_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(LimitsTest, RateLimitPerIdentityAdmitsTheBurstThenGivesARetryHint) {
  config_.mutable_limits()->set_rate_per_identity(1);
  config_.mutable_limits()->set_burst_per_identity(3);
  StartServer();
  std::unique_ptr<v1::KeyService::Stub> edge_a = server_->KeyService('a');
  // One token comes back per second; the calls below take far less.
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<grpc::ClientContext> context =
        WithDeadline(absl::Seconds(10));
    v1::SignResponse response;
    const grpc::Status status =
        edge_a->Sign(context.get(), P256Sign(), &response);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  std::unique_ptr<grpc::ClientContext> refused =
      WithDeadline(absl::Seconds(10));
  v1::SignResponse response;
  const grpc::Status status =
      edge_a->Sign(refused.get(), P256Sign(), &response);
  ASSERT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("rate limit per identity (1/s)"),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(response.signature().empty());
  const auto& trailers = refused->GetServerTrailingMetadata();
  const auto hint = trailers.find("grpc-retry-pushback-ms");
  ASSERT_NE(hint, trailers.end());
  int64_t retry_ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      absl::string_view(hint->second.data(), hint->second.size()), &retry_ms));
  EXPECT_GT(retry_ms, 0);
  EXPECT_LE(retry_ms, 1000);
  // The limit is per identity: edge b still has its whole burst.
  v1::GetKeyRequest get_key;
  get_key.mutable_key()->set_server_name(kP256Host);
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<grpc::ClientContext> other =
        WithDeadline(absl::Seconds(10));
    v1::GetKeyResponse key;
    const grpc::Status other_status =
        server_->KeyService('b')->GetKey(other.get(), get_key, &key);
    EXPECT_TRUE(other_status.ok()) << other_status.error_message();
  }
  ExpectServing(server_->Channel('a'));
}

TEST_F(LimitsTest, InFlightLimitShedsAPipelineFloodAndHealthStaysUp) {
  constexpr int kRequests = 300;
  config_.mutable_limits()->set_max_in_flight_per_identity(2);
  config_.mutable_limits()->set_worker_threads(1);
  StartServer();
  std::unique_ptr<v1::KeyService::Stub> stub = server_->KeyService('a');
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<v1::PipelineRequest,
                                           v1::PipelineResponse>>
      stream = stub->Pipeline(&context);
  for (int i = 0; i < kRequests; ++i) {
    v1::PipelineRequest request;
    request.set_request_id(i);
    v1::SignRequest* sign = request.mutable_sign();
    sign->mutable_key()->set_server_name(kRsa3072Host);
    sign->set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
    sign->set_message(absl::StrCat("flood ", i));
    ASSERT_TRUE(stream->Write(request));
  }
  // While the flood is being worked off, health checks are answered.
  ExpectServing(server_->Channel('b'));
  stream->WritesDone();
  int ok = 0;
  int shed = 0;
  v1::PipelineResponse response;
  while (stream->Read(&response)) {
    if (response.status().code() == 0) {
      EXPECT_FALSE(response.sign().signature().empty());
      ++ok;
    } else {
      EXPECT_EQ(response.status().code(),
                static_cast<int>(StatusCode::RESOURCE_EXHAUSTED));
      EXPECT_NE(response.status().message().find("retry after"),
                std::string::npos);
      EXPECT_FALSE(response.has_sign());
      ++shed;
    }
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(ok + shed, kRequests);
  EXPECT_GE(ok, 2);
  EXPECT_GT(shed, 0);
  std::printf("pipeline flood: %d signed, %d shed of %d\n", ok, shed,
              kRequests);
  ExpectServing(server_->Channel('a'));
}

TEST_F(LimitsTest, StreamsBeyondTheConnectionLimitWaitForAFreeOne) {
  config_.mutable_limits()->set_max_concurrent_streams(2);
  StartServer();
  std::unique_ptr<v1::KeyService::Stub> stub = server_->KeyService('a');
  // Two open streams, each proven established by one answered request.
  grpc::ClientContext contexts[2];
  std::unique_ptr<grpc::ClientReaderWriter<v1::PipelineRequest,
                                           v1::PipelineResponse>>
      streams[2];
  for (int i = 0; i < 2; ++i) {
    streams[i] = stub->Pipeline(&contexts[i]);
    v1::PipelineRequest request;
    request.set_request_id(1);
    *request.mutable_sign() = P256Sign();
    ASSERT_TRUE(streams[i]->Write(request));
    v1::PipelineResponse response;
    ASSERT_TRUE(streams[i]->Read(&response));
    ASSERT_EQ(response.status().code(), 0) << response.status().message();
  }
  // A third call on the same connection cannot start.
  v1::SignResponse response;
  std::unique_ptr<grpc::ClientContext> waiting =
      WithDeadline(absl::Milliseconds(500));
  EXPECT_EQ(stub->Sign(waiting.get(), P256Sign(), &response).error_code(),
            StatusCode::DEADLINE_EXCEEDED);
  // Once one stream ends, it can.
  streams[0]->WritesDone();
  ASSERT_TRUE(streams[0]->Finish().ok());
  std::unique_ptr<grpc::ClientContext> admitted =
      WithDeadline(absl::Seconds(10));
  const grpc::Status status =
      stub->Sign(admitted.get(), P256Sign(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  streams[1]->WritesDone();
  EXPECT_TRUE(streams[1]->Finish().ok());
}

TEST_F(LimitsTest, IdleConnectionsAreClosed) {
  config_.mutable_limits()->set_max_connection_idle_seconds(1);
  StartServer();
  std::shared_ptr<grpc::Channel> channel = ChannelWith({});
  ExpectServing(channel);
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  // The server sends GOAWAY once the connection has been idle for a second;
  // the channel then leaves READY.
  EXPECT_TRUE(channel->WaitForStateChange(
      GRPC_CHANNEL_READY, absl::ToChronoTime(absl::Now() + absl::Seconds(30))));
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
  // A new call reconnects.
  ExpectServing(channel);
}

TEST_F(LimitsTest, AClientPingingTooOftenIsDisconnected) {
  StartServer();  // Default: pings at most every 10 s without calls.
  grpc::ChannelArguments abusive;
  abusive.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 100);
  abusive.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  abusive.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  std::shared_ptr<grpc::Channel> channel = ChannelWith(abusive);
  ExpectServing(channel);
  // After two strikes the server sends GOAWAY (too_many_pings).
  EXPECT_TRUE(channel->WaitForStateChange(
      GRPC_CHANNEL_READY, absl::ToChronoTime(absl::Now() + absl::Seconds(30))));
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
}

}  // namespace
}  // namespace keyward
