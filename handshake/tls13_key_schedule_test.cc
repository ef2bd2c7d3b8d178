#include "handshake/tls13_key_schedule.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/hkdf.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class Tls13KeyScheduleTest : public ::testing::TestWithParam<HashAlgorithm> {
 protected:
  Tls13KeyScheduleTest()
      : hash_length_(HashLength(GetParam())),
        shared_secret_(32, 0xdd),
        ch_(hash_length_, 1),
        sh_(hash_length_, 2),
        sf_(hash_length_, 3),
        cf_(hash_length_, 4) {
    input_.hash = GetParam();
    input_.shared_secret = shared_secret_;
    input_.client_hello_hash = ch_;
    input_.server_hello_hash = sh_;
    input_.server_finished_hash = sf_;
    input_.client_finished_hash = cf_;
  }

  const size_t hash_length_;
  const std::vector<uint8_t> shared_secret_, ch_, sh_, sf_, cf_;
  Tls13KeyScheduleInput input_;
};

TEST_P(Tls13KeyScheduleTest, FullScheduleSetsEverySecret) {
  absl::StatusOr<Tls13Secrets> s = ComputeTls13KeySchedule(input_);
  ASSERT_THAT(s, IsOk());
  for (const SecretBytes* secret :
       {&s->early_secret, &s->client_early_traffic_secret,
        &s->early_exporter_master_secret, &s->handshake_secret,
        &s->client_handshake_traffic_secret,
        &s->server_handshake_traffic_secret, &s->master_secret,
        &s->client_application_traffic_secret_0,
        &s->server_application_traffic_secret_0, &s->exporter_master_secret,
        &s->resumption_master_secret}) {
    EXPECT_THAT(*secret, SizeIs(hash_length_));
  }
  EXPECT_NE(s->client_handshake_traffic_secret,
            s->server_handshake_traffic_secret);
  absl::StatusOr<SecretBytes> expected =
      DeriveSecret(GetParam(), s->handshake_secret, "c hs traffic", sh_);
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(s->client_handshake_traffic_secret, *expected);
}

TEST_P(Tls13KeyScheduleTest, EmptyTranscriptHashesSkipTheirSecrets) {
  input_.client_hello_hash = {};
  input_.server_finished_hash = {};
  input_.client_finished_hash = {};
  absl::StatusOr<Tls13Secrets> s = ComputeTls13KeySchedule(input_);
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(s->master_secret, SizeIs(hash_length_));
  EXPECT_THAT(s->server_handshake_traffic_secret, SizeIs(hash_length_));
  EXPECT_THAT(s->client_early_traffic_secret, IsEmpty());
  EXPECT_THAT(s->early_exporter_master_secret, IsEmpty());
  EXPECT_THAT(s->client_application_traffic_secret_0, IsEmpty());
  EXPECT_THAT(s->exporter_master_secret, IsEmpty());
  EXPECT_THAT(s->resumption_master_secret, IsEmpty());
}

TEST_P(Tls13KeyScheduleTest, AbsentPskAndSharedSecretAreZeros) {
  const std::vector<uint8_t> zeros(hash_length_, 0);
  Tls13KeyScheduleInput explicit_zeros = input_;
  explicit_zeros.psk = zeros;
  explicit_zeros.shared_secret = zeros;
  Tls13KeyScheduleInput absent = input_;
  absent.psk = {};
  absent.shared_secret = {};
  absl::StatusOr<Tls13Secrets> a = ComputeTls13KeySchedule(explicit_zeros);
  absl::StatusOr<Tls13Secrets> b = ComputeTls13KeySchedule(absent);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->early_secret, b->early_secret);
  EXPECT_EQ(a->master_secret, b->master_secret);
  EXPECT_EQ(a->resumption_master_secret, b->resumption_master_secret);
}

TEST_P(Tls13KeyScheduleTest, PskChangesEverySecret) {
  const std::vector<uint8_t> psk(33, 0x77);  // Any length, as in ACVP.
  Tls13KeyScheduleInput with_psk = input_;
  with_psk.psk = psk;
  absl::StatusOr<Tls13Secrets> a = ComputeTls13KeySchedule(input_);
  absl::StatusOr<Tls13Secrets> b = ComputeTls13KeySchedule(with_psk);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->early_secret, b->early_secret);
  EXPECT_NE(a->server_application_traffic_secret_0,
            b->server_application_traffic_secret_0);
}

TEST_P(Tls13KeyScheduleTest, TranscriptHashesMustBeHashLen) {
  const std::vector<uint8_t> wrong(hash_length_ + 1, 9);
  for (auto [field, member] :
       {std::pair{"client_hello_hash",
                  &Tls13KeyScheduleInput::client_hello_hash},
        std::pair{"server_hello_hash",
                  &Tls13KeyScheduleInput::server_hello_hash},
        std::pair{"server_finished_hash",
                  &Tls13KeyScheduleInput::server_finished_hash},
        std::pair{"client_finished_hash",
                  &Tls13KeyScheduleInput::client_finished_hash}}) {
    Tls13KeyScheduleInput input = input_;
    input.*member = wrong;
    EXPECT_THAT(ComputeTls13KeySchedule(input),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)));
  }
}

TEST_P(Tls13KeyScheduleTest, InputSecretsAreBounded) {
  const std::vector<uint8_t> max(kMaxTls13InputSecretLength, 1);
  const std::vector<uint8_t> too_long(kMaxTls13InputSecretLength + 1, 1);
  Tls13KeyScheduleInput input = input_;
  input.psk = max;
  input.shared_secret = max;
  EXPECT_THAT(ComputeTls13KeySchedule(input), IsOk());
  input.psk = too_long;
  EXPECT_THAT(ComputeTls13KeySchedule(input),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("psk")));
  input.psk = {};
  input.shared_secret = too_long;
  EXPECT_THAT(
      ComputeTls13KeySchedule(input),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("shared_secret")));
}

INSTANTIATE_TEST_SUITE_P(All, Tls13KeyScheduleTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSha384),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(Tls13KeyScheduleValidationTest, UnsupportedHashIsInvalidArgument) {
  Tls13KeyScheduleInput input;
  input.hash = static_cast<HashAlgorithm>(42);
  EXPECT_THAT(ComputeTls13KeySchedule(input),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")));
}

}  // namespace
}  // namespace keyward::handshake
