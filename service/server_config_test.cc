#include "service/server_config.h"

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
