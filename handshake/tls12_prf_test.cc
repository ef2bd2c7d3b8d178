#include "handshake/tls12_prf.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

std::vector<uint8_t> Bytes(size_t n, uint8_t value) {
  return std::vector<uint8_t>(n, value);
}

std::vector<uint8_t> Concat(const std::vector<uint8_t>& a,
                            const std::vector<uint8_t>& b) {
  std::vector<uint8_t> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

class Tls12PrfTest : public ::testing::TestWithParam<HashAlgorithm> {
 protected:
  HashAlgorithm hash() const { return GetParam(); }
  const std::vector<uint8_t> pms_ = Bytes(48, 0x03);
  const std::vector<uint8_t> client_random_ = Bytes(32, 0xc1);
  const std::vector<uint8_t> server_random_ = Bytes(32, 0x5e);
  const std::vector<uint8_t> master_ = Bytes(48, 0x4d);
};

TEST_P(Tls12PrfTest, PrfOutputIsAPrefixOfALongerOutput) {
  auto short_out = Tls12Prf(hash(), pms_, "test label", Bytes(16, 1), 10);
  auto long_out = Tls12Prf(hash(), pms_, "test label", Bytes(16, 1), 100);
  ASSERT_THAT(short_out, IsOk());
  ASSERT_THAT(long_out, IsOk());
  EXPECT_EQ(*short_out, SecretBytes(long_out->begin(), long_out->begin() + 10));
}

TEST_P(Tls12PrfTest, PrfValidatesItsInputs) {
  EXPECT_THAT(Tls12Prf(hash(), {}, "l", Bytes(1, 1), 16),
              StatusIs(kInvalidArgument, HasSubstr("secret")));
  EXPECT_THAT(Tls12Prf(hash(), Bytes(kTls12MaxSecretLength + 1, 1), "l",
                       Bytes(1, 1), 16),
              StatusIs(kInvalidArgument, HasSubstr("secret")));
  EXPECT_THAT(Tls12Prf(hash(), pms_, "l", Bytes(1, 1), 0),
              StatusIs(kInvalidArgument, HasSubstr("out_length")));
  EXPECT_THAT(
      Tls12Prf(hash(), pms_, "l", Bytes(kTls12MaxPrfSeedLength - 1, 1), 16),
      IsOk());
  EXPECT_THAT(Tls12Prf(hash(), pms_, "l", Bytes(kTls12MaxPrfSeedLength, 1), 16),
              StatusIs(kInvalidArgument, HasSubstr("seed")));
  EXPECT_THAT(Tls12Prf(hash(), pms_, "", {}, 16),
              StatusIs(kInvalidArgument, HasSubstr("seed")));
}

TEST_P(Tls12PrfTest, MasterSecretIsPrfOverClientThenServerRandom) {
  auto master = Tls12MasterSecret(hash(), pms_, client_random_, server_random_);
  auto expected = Tls12Prf(hash(), pms_, "master secret",
                           Concat(client_random_, server_random_), 48);
  ASSERT_THAT(master, IsOk());
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*master, *expected);
}

TEST_P(Tls12PrfTest, MasterSecretValidatesLengths) {
  for (size_t bad : {0, 31, 33}) {
    EXPECT_THAT(Tls12MasterSecret(hash(), pms_, Bytes(bad, 1), server_random_),
                StatusIs(kInvalidArgument, HasSubstr("client_random")));
    EXPECT_THAT(Tls12MasterSecret(hash(), pms_, client_random_, Bytes(bad, 1)),
                StatusIs(kInvalidArgument, HasSubstr("server_random")));
  }
  EXPECT_THAT(Tls12MasterSecret(hash(), {}, client_random_, server_random_),
              StatusIs(kInvalidArgument, HasSubstr("pre_master_secret")));
}

TEST_P(Tls12PrfTest, ExtendedMasterSecretUsesTheSessionHash) {
  const std::vector<uint8_t> session_hash = Bytes(HashLength(hash()), 0x5a);
  auto master = Tls12ExtendedMasterSecret(hash(), pms_, session_hash);
  auto expected =
      Tls12Prf(hash(), pms_, "extended master secret", session_hash, 48);
  ASSERT_THAT(master, IsOk());
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*master, *expected);
  for (size_t bad :
       {size_t{0}, HashLength(hash()) - 1, HashLength(hash()) + 1}) {
    EXPECT_THAT(Tls12ExtendedMasterSecret(hash(), pms_, Bytes(bad, 1)),
                StatusIs(kInvalidArgument, HasSubstr("session_hash")));
  }
  EXPECT_THAT(Tls12ExtendedMasterSecret(hash(), {}, session_hash),
              StatusIs(kInvalidArgument, HasSubstr("pre_master_secret")));
}

TEST_P(Tls12PrfTest, KeyBlockIsPrfOverServerThenClientRandom) {
  auto block =
      Tls12KeyBlock(hash(), master_, server_random_, client_random_, 72);
  auto expected = Tls12Prf(hash(), master_, "key expansion",
                           Concat(server_random_, client_random_), 72);
  auto swapped =
      Tls12KeyBlock(hash(), master_, client_random_, server_random_, 72);
  ASSERT_THAT(block, IsOk());
  ASSERT_THAT(expected, IsOk());
  ASSERT_THAT(swapped, IsOk());
  EXPECT_EQ(*block, *expected);
  EXPECT_NE(*block, *swapped);
}

TEST_P(Tls12PrfTest, KeyBlockValidatesLengths) {
  for (size_t bad : {0, 47, 49}) {
    EXPECT_THAT(Tls12KeyBlock(hash(), Bytes(bad, 1), server_random_,
                              client_random_, 32),
                StatusIs(kInvalidArgument, HasSubstr("master_secret")));
  }
  EXPECT_THAT(Tls12KeyBlock(hash(), master_, Bytes(31, 1), client_random_, 32),
              StatusIs(kInvalidArgument, HasSubstr("server_random")));
  EXPECT_THAT(Tls12KeyBlock(hash(), master_, server_random_, Bytes(33, 1), 32),
              StatusIs(kInvalidArgument, HasSubstr("client_random")));
  EXPECT_THAT(Tls12KeyBlock(hash(), master_, server_random_, client_random_, 0),
              StatusIs(kInvalidArgument, HasSubstr("length")));
  EXPECT_THAT(Tls12KeyBlock(hash(), master_, server_random_, client_random_,
                            kTls12MaxKeyBlockLength),
              IsOk());
  EXPECT_THAT(Tls12KeyBlock(hash(), master_, server_random_, client_random_,
                            kTls12MaxKeyBlockLength + 1),
              StatusIs(kInvalidArgument, HasSubstr("length")));
}

INSTANTIATE_TEST_SUITE_P(All, Tls12PrfTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSha384,
                                           HashAlgorithm::kSha512),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(Tls12PrfTest, UnsupportedHashIsInvalidArgument) {
  const auto bad = static_cast<HashAlgorithm>(-1);
  const std::vector<uint8_t> secret(48, 1), random(32, 2);
  const auto is_bad_hash = StatusIs(kInvalidArgument, HasSubstr("hash"));
  EXPECT_THAT(Tls12Prf(bad, secret, "l", random, 16), is_bad_hash);
  EXPECT_THAT(Tls12MasterSecret(bad, secret, random, random), is_bad_hash);
  EXPECT_THAT(Tls12ExtendedMasterSecret(bad, secret, random), is_bad_hash);
  EXPECT_THAT(Tls12KeyBlock(bad, secret, random, random, 16), is_bad_hash);
}

}  // namespace
}  // namespace keyward::handshake
