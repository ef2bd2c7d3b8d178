#include "tests/vectors/hex.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::vectors {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(HexToBytesTest, DecodesBothCases) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexToBytes("00fFa1B2");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_THAT(*bytes, ElementsAre(0x00, 0xff, 0xa1, 0xb2));
}

TEST(HexToBytesTest, EmptyIsEmpty) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexToBytes("");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_THAT(*bytes, IsEmpty());
}

TEST(HexToBytesTest, RejectsOddLength) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexToBytes("abc");
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bytes.status().message(), HasSubstr("odd length 3"));
}

TEST(HexToBytesTest, RejectsNonHexCharacters) {
  for (const char* bad : {"0g", "0x12", " 1", "1 ", "12:3", "(empty)"}) {
    EXPECT_EQ(HexToBytes(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(HexToBytes("00zz").status().message(), HasSubstr("offset 2"));
}

TEST(BytesToHexTest, IsLowercase) {
  const std::vector<uint8_t> bytes = {0x0a, 0xbc, 0xff};
  EXPECT_EQ(BytesToHex(bytes), "0abcff");
}

TEST(MatchesHexTest, ComparesIgnoringCase) {
  const std::vector<uint8_t> bytes = {0xab, 0xcd};
  EXPECT_TRUE(MatchesHex("value", bytes, "ABcd"));
}

TEST(MatchesHexTest, ReportsMismatchWithBothValues) {
  const std::vector<uint8_t> bytes = {0xab, 0xcd};
  ::testing::AssertionResult result = MatchesHex("okm", bytes, "abce");
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("okm differs"));
  EXPECT_THAT(result.message(), HasSubstr("abcd"));
  EXPECT_THAT(result.message(), HasSubstr("abce"));
}

TEST(MatchesHexTest, LengthMismatchFails) {
  const std::vector<uint8_t> bytes = {0xab, 0xcd};
  EXPECT_FALSE(MatchesHex("prefix", bytes, "ab"));
  EXPECT_FALSE(MatchesHex("longer", bytes, "abcd00"));
}

TEST(MatchesHexTest, BadExpectedHexFails) {
  const std::vector<uint8_t> bytes = {0xab};
  ::testing::AssertionResult result = MatchesHex("prk", bytes, "(empty)");
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("not hex"));
}

}  // namespace
}  // namespace keyward::vectors
