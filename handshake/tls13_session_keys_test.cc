#include "handshake/tls13_session_keys.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "handshake/tls13_finished.h"
#include "handshake/tls13_key_schedule.h"
#include "handshake/tls13_traffic_keys.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

class Tls13SessionKeysTest : public ::testing::TestWithParam<uint16_t> {
 protected:
  void SetUp() override {
    absl::StatusOr<Tls13CipherSuite> suite = Tls13CipherSuiteFromId(GetParam());
    ASSERT_THAT(suite, IsOk());
    suite_ = *suite;
    const size_t n = HashLength(suite_.hash);
    sh_.assign(n, 2);
    sf_.assign(n, 3);
    cf_.assign(n, 4);
    request_.cipher_suite = GetParam();
    request_.shared_secret = shared_secret_;
    request_.server_hello_hash = sh_;
    request_.server_finished_hash = sf_;
    request_.client_finished_hash = cf_;
  }

  Tls13CipherSuite suite_;
  const std::vector<uint8_t> shared_secret_ = std::vector<uint8_t>(32, 0xdd);
  std::vector<uint8_t> sh_, sf_, cf_;
  Tls13SessionKeysRequest request_;
};

TEST_P(Tls13SessionKeysTest, MatchesTheScheduleAndTrafficKeys) {
  absl::StatusOr<Tls13SessionKeys> keys = DeriveTls13SessionKeys(request_);
  ASSERT_THAT(keys, IsOk());
  Tls13KeyScheduleInput input;
  input.hash = suite_.hash;
  input.shared_secret = shared_secret_;
  input.server_hello_hash = sh_;
  input.server_finished_hash = sf_;
  input.client_finished_hash = cf_;
  absl::StatusOr<Tls13Secrets> s = ComputeTls13KeySchedule(input);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(keys->server_handshake.traffic_secret,
            s->server_handshake_traffic_secret);
  EXPECT_EQ(keys->client_application.traffic_secret,
            s->client_application_traffic_secret_0);
  EXPECT_EQ(keys->exporter_master_secret, s->exporter_master_secret);
  EXPECT_EQ(keys->resumption_master_secret, s->resumption_master_secret);

  absl::StatusOr<Tls13TrafficKeys> server_app =
      DeriveTls13TrafficKeys(suite_, s->server_application_traffic_secret_0);
  ASSERT_THAT(server_app, IsOk());
  EXPECT_EQ(keys->server_application.key, server_app->key);
  EXPECT_EQ(keys->server_application.iv, server_app->iv);
  EXPECT_THAT(keys->client_handshake.key, SizeIs(suite_.key_length));
  EXPECT_THAT(keys->client_handshake.iv, SizeIs(12));

  absl::StatusOr<SecretBytes> client_finished =
      Tls13FinishedKey(suite_.hash, s->client_handshake_traffic_secret);
  ASSERT_THAT(client_finished, IsOk());
  EXPECT_EQ(keys->client_finished_key, *client_finished);
  EXPECT_NE(keys->client_finished_key, keys->server_finished_key);
}

TEST_P(Tls13SessionKeysTest, ClientFinishedHashIsOptional) {
  request_.client_finished_hash = {};
  absl::StatusOr<Tls13SessionKeys> keys = DeriveTls13SessionKeys(request_);
  ASSERT_THAT(keys, IsOk());
  EXPECT_THAT(keys->resumption_master_secret, IsEmpty());
  EXPECT_THAT(keys->exporter_master_secret, SizeIs(HashLength(suite_.hash)));
}

TEST_P(Tls13SessionKeysTest, RequiresServerTranscriptHashes) {
  Tls13SessionKeysRequest request = request_;
  request.server_hello_hash = {};
  EXPECT_THAT(DeriveTls13SessionKeys(request),
              StatusIs(kInvalidArgument, HasSubstr("server_hello_hash")));
  request = request_;
  request.server_finished_hash = {};
  EXPECT_THAT(DeriveTls13SessionKeys(request),
              StatusIs(kInvalidArgument, HasSubstr("server_finished_hash")));
}

TEST_P(Tls13SessionKeysTest, TranscriptHashLengthFollowsTheSuite) {
  // A 32-byte hash for a SHA-384 suite, or a 48-byte one for SHA-256.
  const std::vector<uint8_t> other(HashLength(suite_.hash) == 32 ? 48 : 32, 5);
  request_.server_hello_hash = other;
  EXPECT_THAT(DeriveTls13SessionKeys(request_),
              StatusIs(kInvalidArgument, HasSubstr("server_hello_hash")));
}

INSTANTIATE_TEST_SUITE_P(AllSuites, Tls13SessionKeysTest,
                         ::testing::Values(0x1301, 0x1302, 0x1303),
                         [](const auto& info) {
                           return absl::StrCat(
                               "0x", absl::Hex(info.param, absl::kZeroPad4));
                         });

TEST(Tls13SessionKeysValidationTest, UnknownSuiteIsInvalidArgument) {
  Tls13SessionKeysRequest request;
  request.cipher_suite = 0xC02F;
  EXPECT_THAT(DeriveTls13SessionKeys(request),
              StatusIs(kInvalidArgument, HasSubstr("cipher_suite")));
}

}  // namespace
}  // namespace keyward::handshake
