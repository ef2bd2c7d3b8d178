// End to end, with the key service failing under a running edge: a
// handshake then fails with a TLS alert within the provider's configured
// timeout, the edge keeps serving, and handshakes succeed again once the
// service is back, without restarting the edge.
#include <signal.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/edge/testing/edge_process.h"
#include "clients/edge/testing/key_service_process.h"
#include "clients/edge/testing/tls_clients.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_keystore.h"

namespace keyward::edge {
namespace {

using testing::EdgeProcess;
using testing::KeyServiceProcess;
using testing::RunTlsClient;
using testing::TlsClient;
using testing::TlsRequest;
using testing::TlsResult;

// The provider's call timeout, and how much longer than it a failed
// handshake may take (starting the client process, the TLS exchanges).
constexpr absl::Duration kTimeout = absl::Seconds(1);
constexpr absl::Duration kSlack = absl::Seconds(3);

class EdgeFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore(
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    audit_path_ = keystore_.dir + "-audit.log";
    absl::StatusOr<std::unique_ptr<KeyServiceProcess>> service =
        KeyServiceProcess::Start(keystore_, audit_path_);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    const std::string config = keystore_.dir + "-openssl.cnf";
    testing::WriteOpenSslConfig(config, {service_->endpoint(), &keystore_,
                                         absl::FormatDuration(kTimeout)});
    absl::StatusOr<std::unique_ptr<EdgeProcess>> edge = EdgeProcess::Start(
        config, {{keystore_.dir + "/keys/ecdsa-p256.crt",
                  "keyward:host=ecdsa-p256.dev.keyward.test"},
                 {keystore_.dir + "/keys/rsa-2048.crt",
                  "keyward:host=rsa-2048.dev.keyward.test"}});
    ASSERT_TRUE(edge.ok()) << edge.status();
    edge_ = *std::move(edge);
  }

  // Handshake runs s_client against the edge: TLS 1.3 with the ECDSA key
  // (a Sign call), or TLS 1.2 static RSA (a DecryptPreMaster call).
  TlsResult Handshake(bool static_rsa = false) {
    TlsRequest request;
    request.port = edge_->port();
    request.ca_file = keystore_.ca_cert();
    if (static_rsa) {
      request.host = "rsa-2048.dev.keyward.test";
      request.version = "1.2";
      request.cipher = "AES128-GCM-SHA256";
    } else {
      request.host = "ecdsa-p256.dev.keyward.test";
      request.version = "1.3";
    }
    absl::StatusOr<TlsResult> result =
        RunTlsClient(TlsClient::kOpenSslSClient, request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : TlsResult();
  }

  // ExpectAlertWithin runs a handshake that must fail with `alert` from
  // the edge within the timeout (plus slack), and the edge must log why.
  void ExpectAlertWithin(bool static_rsa, const std::string& alert,
                         const std::string& logged_status) {
    const size_t mark = edge_->process().output_size();
    const absl::Time start = absl::Now();
    const TlsResult result = Handshake(static_rsa);
    const absl::Duration took = absl::Now() - start;
    EXPECT_FALSE(result.ok) << result.transcript;
    EXPECT_TRUE(absl::StrContains(result.transcript, alert))
        << result.transcript;
    EXPECT_LT(took, kTimeout + kSlack);
    absl::StatusOr<std::string> failed = edge_->process().WaitForLine(
        "handshake failed: ", absl::Seconds(10), mark);
    ASSERT_TRUE(failed.ok()) << failed.status();
    EXPECT_TRUE(absl::StrContains(*failed, logged_status)) << *failed;
  }

  keyward::testing::DevKeystore keystore_;
  std::string audit_path_;
  std::unique_ptr<KeyServiceProcess> service_;
  std::unique_ptr<EdgeProcess> edge_;
};

TEST_F(EdgeFailureTest, UnresponsiveServiceFailsHandshakesAtTheTimeout) {
  ASSERT_TRUE(Handshake().ok);

  service_->process().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  ExpectAlertWithin(false, "alert internal error", "DEADLINE_EXCEEDED");
  // It waited for the deadline: the service accepted and never answered.
  EXPECT_GE(absl::Now() - start, kTimeout);

  service_->process().Signal(SIGCONT);
  const TlsResult again = Handshake();
  EXPECT_TRUE(again.ok) << again.transcript;
}

TEST_F(EdgeFailureTest, StoppedServiceFailsHandshakesUntilItIsBack) {
  ASSERT_TRUE(Handshake().ok);
  ASSERT_TRUE(Handshake(/*static_rsa=*/true).ok);
  const int port = service_->port();

  service_->process().Stop(SIGKILL);
  ExpectAlertWithin(false, "alert internal error", "UNAVAILABLE");
  ExpectAlertWithin(true, "alert decrypt error", "UNAVAILABLE");

  absl::StatusOr<std::unique_ptr<KeyServiceProcess>> restarted =
      KeyServiceProcess::Start(keystore_, audit_path_, port);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  service_ = *std::move(restarted);
  // The edge's channel reconnects with gRPC's backoff (about a second, not
  // observable from here), so poll, with a deadline.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  TlsResult result = Handshake();
  while (!result.ok && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    result = Handshake();
  }
  EXPECT_TRUE(result.ok) << result.transcript;
  const TlsResult static_rsa = Handshake(/*static_rsa=*/true);
  EXPECT_TRUE(static_rsa.ok) << static_rsa.transcript;

  // One edge process served throughout.
  const std::string log = edge_->process().output();
  EXPECT_EQ(log.find("serving on"), log.rfind("serving on")) << log;
}

TEST(EdgeUsageTest, HelpListsEveryFlag) {
  absl::StatusOr<keyward::testing::ProcessResult> help =
      keyward::testing::RunProcess(
          {keyward::testing::RunfilePath("clients/edge/keyward_edge"),
           "--help"},
          {}, "", absl::Seconds(30));
  ASSERT_TRUE(help.ok()) << help.status();
  for (const char* flag :
       {"--openssl_config", "--sites", "--listen_address", "--io_timeout",
        "--max_connections", "--response_body"}) {
    EXPECT_NE(help->out.find(flag), std::string::npos)
        << flag << " missing from:\n"
        << help->out;
  }
}

}  // namespace
}  // namespace keyward::edge
