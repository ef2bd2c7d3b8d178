// Graceful shutdown: health turns NOT_SERVING first, new calls are refused,
// work in flight is drained within the grace period, and idle clients or
// health watchers do not hold the server up.
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using PipelineStream =
    grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>;

// Longer than any test here may take: reaching it means the drain hung.
constexpr absl::Duration kGrace = absl::Seconds(60);

class ShutdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore = testing::MakeDevKeystore(
        absl::StrCat("shutdown-", ::testing::UnitTest::GetInstance()
                                      ->current_test_info()
                                      ->name()));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Shutdown shuts the server down with kGrace on another thread, and
  // returns how long it took once the thread is joined.
  void StartShutdown() {
    shutdown_ = std::thread([this] {
      const absl::Time start = absl::Now();
      server_->Shutdown(kGrace);
      shutdown_took_ = absl::Now() - start;
    });
  }
  absl::Duration JoinShutdown() {
    shutdown_.join();
    return shutdown_took_;
  }

  static v1::PipelineRequest Rsa3072Sign(uint64_t id) {
    v1::PipelineRequest request;
    request.set_request_id(id);
    v1::SignRequest* sign = request.mutable_sign();
    sign->mutable_key()->set_server_name("rsa-3072.dev.keyward.test");
    sign->set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
    sign->set_message(absl::StrCat("drain ", id));
    return request;
  }

  std::unique_ptr<testing::TestServer> server_;
  std::thread shutdown_;
  absl::Duration shutdown_took_;
};

TEST_F(ShutdownTest, IdleClientsDoNotHoldItUp) {
  grpc::ClientContext context;
  HealthCheckResponse response;
  ASSERT_TRUE(Health::NewStub(server_->Channel('a'))
                  ->Check(&context, HealthCheckRequest(), &response)
                  .ok());
  StartShutdown();
  const absl::Duration took = JoinShutdown();
  std::printf("shutdown with an idle client took %s\n",
              absl::FormatDuration(took).c_str());
  EXPECT_LT(took, kGrace);
}

TEST_F(ShutdownTest, WorkInFlightIsDrainedAndNewCallsAreRefused) {
  constexpr int kRequests = 40;
  grpc::ClientContext context;
  std::unique_ptr<PipelineStream> stream =
      server_->KeyService('a')->Pipeline(&context);
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(stream->Write(Rsa3072Sign(i)));
  }
  // The first answer proves the stream is being served; the rest are still
  // queued or running when the shutdown starts.
  v1::PipelineResponse response;
  ASSERT_TRUE(stream->Read(&response));
  int answered = 1;
  EXPECT_EQ(response.status().code(), 0) << response.status().message();
  StartShutdown();
  while (answered < kRequests && stream->Read(&response)) {
    EXPECT_EQ(response.status().code(), 0) << response.status().message();
    EXPECT_FALSE(response.sign().signature().empty());
    ++answered;
  }
  EXPECT_EQ(answered, kRequests);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  const absl::Duration took = JoinShutdown();
  EXPECT_LT(took, kGrace);

  // The server is gone: a new call fails.
  grpc::ClientContext late;
  late.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckResponse health;
  EXPECT_FALSE(Health::NewStub(server_->Channel('b'))
                   ->Check(&late, HealthCheckRequest(), &health)
                   .ok());
}

TEST_F(ShutdownTest, HealthTurnsNotServingBeforeTheDrainEnds) {
  // A health watcher (as a load balancer keeps one) and a stream with work.
  grpc::ClientContext watch_context;
  HealthCheckRequest watch_request;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch =
      Health::NewStub(server_->Channel('b'))
          ->Watch(&watch_context, watch_request);
  HealthCheckResponse health;
  ASSERT_TRUE(watch->Read(&health));
  ASSERT_EQ(health.status(), HealthCheckResponse::SERVING);

  grpc::ClientContext context;
  std::unique_ptr<PipelineStream> stream =
      server_->KeyService('a')->Pipeline(&context);
  ASSERT_TRUE(stream->Write(Rsa3072Sign(1)));
  v1::PipelineResponse response;
  ASSERT_TRUE(stream->Read(&response));

  StartShutdown();
  // The watcher learns of it while the stream is still open.
  ASSERT_TRUE(watch->Read(&health));
  EXPECT_EQ(health.status(), HealthCheckResponse::NOT_SERVING);
  // The open stream is still served during the drain.
  ASSERT_TRUE(stream->Write(Rsa3072Sign(2)));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status().code(), 0) << response.status().message();
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  // The watch does not hold the server up: it ends once the work is done.
  while (watch->Read(&health)) {
  }
  watch->Finish().IgnoreError();
  const absl::Duration took = JoinShutdown();
  std::printf("shutdown with a health watcher took %s\n",
              absl::FormatDuration(took).c_str());
  EXPECT_LT(took, kGrace);
}

}  // namespace
}  // namespace keyward
