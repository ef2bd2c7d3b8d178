#include "service/server_config.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::HasSubstr;

constexpr char kTls[] = R"pb(
  tls {
    server_cert_file: "s.crt"
    server_key_file: "s.key"
    client_ca_file: "ca.crt"
  }
)pb";

TEST(ServerConfigTest, FillsDefaults) {
  absl::StatusOr<config::ServerConfig> parsed = ParseServerConfig(kTls);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->listen_address(), kDefaultListenAddress);
  EXPECT_EQ(parsed->shutdown_grace_seconds(), kDefaultShutdownGraceSeconds);
  EXPECT_TRUE(ValidateServerConfig(*parsed).ok());
}

TEST(ServerConfigTest, FillsLimitDefaults) {
  absl::StatusOr<config::ServerConfig> parsed =
      ParseServerConfig(absl::StrCat(kTls, "limits { worker_threads: 3 }"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->limits().max_receive_message_bytes(),
            kDefaultMaxReceiveMessageBytes);
  EXPECT_EQ(parsed->limits().max_outstanding_per_stream(),
            kDefaultMaxOutstandingPerStream);
  EXPECT_EQ(parsed->limits().max_concurrent_streams(),
            kDefaultMaxConcurrentStreams);
  EXPECT_EQ(parsed->limits().worker_threads(), 3u);
  EXPECT_EQ(parsed->limits().inline_operations(), kDefaultInlineOperations);
  EXPECT_EQ(LimitsWithDefaults(config::LimitsConfig()).worker_threads(),
            kDefaultWorkerThreadsPerCore *
                std::max(1u, std::thread::hardware_concurrency()));
}

TEST(ServerConfigTest, RefusesUnusableLimitsAndAdmins) {
  for (const char* bad :
       {"limits { max_receive_message_bytes: 4095 }",
        "limits { worker_threads: 1025 }", "limits { inline_operations: 17 }",
        "admin_identities: \"\""}) {
    absl::StatusOr<config::ServerConfig> parsed =
        ParseServerConfig(absl::StrCat(kTls, bad));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    absl::Status status = ValidateServerConfig(*parsed);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

// The annotated example the README points to must stay a valid
// configuration.
TEST(ServerConfigTest, ExampleConfigIsValid) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  ASSERT_NE(srcdir, nullptr);
  absl::StatusOr<config::ServerConfig> parsed = ReadServerConfigFile(
      absl::StrCat(srcdir, "/", workspace == nullptr ? "keyward" : workspace,
                   "/service/example_config.textproto"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(ValidateServerConfig(*parsed).ok());
  EXPECT_EQ(parsed->keystore().directory(), "@KEYSTORE@");
  EXPECT_EQ(parsed->admin_identities_size(), 1);
  EXPECT_EQ(parsed->limits().max_receive_message_bytes(),
            kDefaultMaxReceiveMessageBytes);
  EXPECT_EQ(parsed->limits().max_outstanding_per_stream(),
            kDefaultMaxOutstandingPerStream);
  EXPECT_EQ(parsed->limits().max_concurrent_streams(),
            kDefaultMaxConcurrentStreams);
  EXPECT_EQ(parsed->limits().max_in_flight(), kDefaultMaxInFlight);
  EXPECT_EQ(parsed->limits().max_in_flight_per_identity(),
            kDefaultMaxInFlightPerIdentity);
  EXPECT_EQ(parsed->limits().min_client_ping_interval_ms(),
            kDefaultMinClientPingIntervalMs);
  EXPECT_EQ(parsed->limits().max_connection_idle_seconds(),
            kDefaultMaxConnectionIdleSeconds);
  EXPECT_EQ(parsed->tls().reload_interval_seconds(),
            kDefaultTlsReloadIntervalSeconds);
  EXPECT_EQ(parsed->audit().path(), "@AUDIT@");
  EXPECT_TRUE(parsed->audit().fail_closed());
  EXPECT_EQ(parsed->metrics().listen_address(), "127.0.0.1:9464");
}

TEST(ServerConfigTest, ReportsParseErrorPosition) {
  absl::StatusOr<config::ServerConfig> parsed =
      ParseServerConfig("listen_address: \"a:1\"\nbogus: 1\n");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("line 2"));
}

TEST(ServerConfigTest, RefusesPlaintextOffLoopback) {
  absl::StatusOr<config::ServerConfig> parsed = ParseServerConfig(
      "listen_address: \"0.0.0.0:8443\" allow_plaintext_on_loopback: true");
  ASSERT_TRUE(parsed.ok());
  absl::Status status = ValidateServerConfig(*parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("without TLS"));
}

TEST(ServerConfigTest, PlaintextOnLoopbackNeedsExplicitOptIn) {
  absl::StatusOr<config::ServerConfig> parsed =
      ParseServerConfig("listen_address: \"127.0.0.1:0\"");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(ValidateServerConfig(*parsed).code(),
            absl::StatusCode::kFailedPrecondition);
  parsed->set_allow_plaintext_on_loopback(true);
  EXPECT_TRUE(ValidateServerConfig(*parsed).ok());
}

TEST(ServerConfigTest, TlsNeedsEveryFile) {
  absl::StatusOr<config::ServerConfig> parsed = ParseServerConfig(kTls);
  ASSERT_TRUE(parsed.ok());
  parsed->mutable_tls()->clear_client_ca_file();
  absl::Status status = ValidateServerConfig(*parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("client_ca_file"));
}

TEST(ServerConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(
      ReadServerConfigFile("/nonexistent/keyward.textproto").status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace keyward::service
