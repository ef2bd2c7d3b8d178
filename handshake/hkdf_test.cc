#include "handshake/hkdf.h"

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
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

class HkdfTest : public ::testing::TestWithParam<HashAlgorithm> {
 protected:
  HashAlgorithm hash() const { return GetParam(); }
  size_t hash_length() const { return HashLength(GetParam()); }
  std::vector<uint8_t> Bytes(size_t n, uint8_t value) const {
    return std::vector<uint8_t>(n, value);
  }
};

TEST_P(HkdfTest, ExtractReturnsHashLenAndEmptySaltIsZeros) {
  const std::vector<uint8_t> ikm = Bytes(22, 0x0b);
  absl::StatusOr<SecretBytes> empty_salt = HkdfExtract(hash(), {}, ikm);
  absl::StatusOr<SecretBytes> zero_salt =
      HkdfExtract(hash(), Bytes(hash_length(), 0), ikm);
  ASSERT_THAT(empty_salt, IsOk());
  ASSERT_THAT(zero_salt, IsOk());
  EXPECT_EQ(empty_salt->size(), hash_length());
  EXPECT_EQ(*empty_salt, *zero_salt);
  EXPECT_THAT(HkdfExtract(hash(), Bytes(4, 1), {}), IsOk());
}

TEST_P(HkdfTest, ExpandOutputIsAPrefixOfALongerOutput) {
  const std::vector<uint8_t> prk = Bytes(hash_length(), 0x42);
  absl::StatusOr<SecretBytes> short_okm = HkdfExpand(hash(), prk, {1}, 10);
  absl::StatusOr<SecretBytes> long_okm = HkdfExpand(hash(), prk, {1}, 100);
  ASSERT_THAT(short_okm, IsOk());
  ASSERT_THAT(long_okm, IsOk());
  EXPECT_EQ(*short_okm, SecretBytes(long_okm->begin(), long_okm->begin() + 10));
}

TEST_P(HkdfTest, ExpandBoundsOutputLength) {
  const std::vector<uint8_t> prk = Bytes(hash_length(), 0x42);
  const size_t max = 255 * hash_length();
  EXPECT_THAT(HkdfExpand(hash(), prk, {}, max), IsOk());
  EXPECT_THAT(HkdfExpand(hash(), prk, {}, max + 1),
              StatusIs(kInvalidArgument, HasSubstr("out_length")));
  EXPECT_THAT(HkdfExpand(hash(), prk, {}, 0),
              StatusIs(kInvalidArgument, HasSubstr("out_length")));
  EXPECT_THAT(HkdfExpandLabel(hash(), prk, "key", {}, max + 1),
              StatusIs(kInvalidArgument, HasSubstr("out_length")));
}

TEST_P(HkdfTest, ExpandRejectsShortPrk) {
  EXPECT_THAT(HkdfExpand(hash(), Bytes(hash_length() - 1, 1), {}, 16),
              StatusIs(kInvalidArgument, HasSubstr("prk")));
  EXPECT_THAT(HkdfExpand(hash(), Bytes(hash_length() + 1, 1), {}, 16), IsOk());
}

TEST_P(HkdfTest, ExpandLabelIsExpandOverTheEncodedLabel) {
  const std::vector<uint8_t> secret = Bytes(hash_length(), 0x17);
  const std::vector<uint8_t> context = {1, 2, 3};
  absl::StatusOr<std::vector<uint8_t>> info =
      EncodeHkdfLabel(20, "c hs traffic", context);
  ASSERT_THAT(info, IsOk());
  absl::StatusOr<SecretBytes> direct = HkdfExpand(hash(), secret, *info, 20);
  absl::StatusOr<SecretBytes> labelled =
      HkdfExpandLabel(hash(), secret, "c hs traffic", context, 20);
  ASSERT_THAT(direct, IsOk());
  ASSERT_THAT(labelled, IsOk());
  EXPECT_EQ(*direct, *labelled);
}

TEST_P(HkdfTest, DeriveSecretUsesTheTranscriptHashAsContext) {
  const std::vector<uint8_t> secret = Bytes(hash_length(), 0x17);
  const std::vector<uint8_t> transcript = Bytes(hash_length(), 0x99);
  absl::StatusOr<SecretBytes> derived =
      DeriveSecret(hash(), secret, "derived", transcript);
  absl::StatusOr<SecretBytes> expected =
      HkdfExpandLabel(hash(), secret, "derived", transcript, hash_length());
  ASSERT_THAT(derived, IsOk());
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*derived, *expected);
  EXPECT_THAT(
      DeriveSecret(hash(), secret, "derived", Bytes(hash_length() - 1, 0)),
      StatusIs(kInvalidArgument, HasSubstr("transcript_hash")));
  EXPECT_THAT(DeriveSecret(hash(), secret, "derived", {}),
              StatusIs(kInvalidArgument, HasSubstr("transcript_hash")));
}

INSTANTIATE_TEST_SUITE_P(All, HkdfTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSha384,
                                           HashAlgorithm::kSha512),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(EncodeHkdfLabelTest, EncodesRfc8446Structure) {
  absl::StatusOr<std::vector<uint8_t>> info =
      EncodeHkdfLabel(0x0102, "key", std::vector<uint8_t>{0xaa, 0xbb});
  ASSERT_THAT(info, IsOk());
  const std::string label = "tls13 key";
  std::vector<uint8_t> expected = {0x01, 0x02,
                                   static_cast<uint8_t>(label.size())};
  expected.insert(expected.end(), label.begin(), label.end());
  expected.insert(expected.end(), {2, 0xaa, 0xbb});
  EXPECT_THAT(*info, ElementsAreArray(expected));
}

TEST(EncodeHkdfLabelTest, EnforcesVectorLimits) {
  EXPECT_THAT(EncodeHkdfLabel(32, "", {}),
              StatusIs(kInvalidArgument, HasSubstr("label")));
  EXPECT_THAT(EncodeHkdfLabel(32, std::string(kMaxHkdfLabelLength, 'a'), {}),
              IsOk());
  EXPECT_THAT(
      EncodeHkdfLabel(32, std::string(kMaxHkdfLabelLength + 1, 'a'), {}),
      StatusIs(kInvalidArgument, HasSubstr("label")));
  EXPECT_THAT(EncodeHkdfLabel(32, "key", std::vector<uint8_t>(255)), IsOk());
  EXPECT_THAT(EncodeHkdfLabel(32, "key", std::vector<uint8_t>(256)),
              StatusIs(kInvalidArgument, HasSubstr("context")));
}

TEST(HkdfTest, UnsupportedHashIsInvalidArgument) {
  const auto bad = static_cast<HashAlgorithm>(7);
  const std::vector<uint8_t> secret(32, 1);
  const auto is_bad_hash = StatusIs(kInvalidArgument, HasSubstr("hash"));
  EXPECT_THAT(HkdfExtract(bad, {}, secret), is_bad_hash);
  EXPECT_THAT(HkdfExpand(bad, secret, {}, 16), is_bad_hash);
  EXPECT_THAT(HkdfExpandLabel(bad, secret, "key", {}, 16), is_bad_hash);
  EXPECT_THAT(DeriveSecret(bad, secret, "derived", secret), is_bad_hash);
}

}  // namespace
}  // namespace keyward::handshake
