#include "tests/vectors/vector_tally.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"

namespace keyward::vectors {
namespace {

TEST(VectorTallyTest, SummaryCountsEachKind) {
  VectorTally tally("dir/file.json");
  tally.Record("1", ::testing::AssertionSuccess());
  tally.Record("2", ::testing::AssertionSuccess());
  tally.Skip("SHA-1 is not used");
  EXPECT_EQ(tally.Summary(),
            "dir/file.json: 2 passed, 0 failed, 1 skipped (SHA-1 is not used)");
  tally.Finish();
}

TEST(VectorTallyTest, SummaryListsSeveralReasonsWithCounts) {
  VectorTally tally("f");
  tally.Skip("b");
  tally.Skip("a");
  tally.Skip("b");
  EXPECT_EQ(tally.Summary(), "f: 0 passed, 0 failed, 3 skipped (1: a; 2: b)");
}

TEST(VectorTallyTest, FailedCaseIsReportedWithItsId) {
  VectorTally tally("f.json");
  EXPECT_NONFATAL_FAILURE(
      tally.Record("tcId 7", ::testing::AssertionFailure() << "okm differs"),
      "f.json case tcId 7: okm differs");
  EXPECT_EQ(tally.failed(), 1);
  EXPECT_EQ(tally.passed(), 0);
}

TEST(VectorTallyTest, FinishFailsWhenACaseFailed) {
  VectorTally tally("f.json");
  tally.Record("1", ::testing::AssertionSuccess());
  EXPECT_NONFATAL_FAILURE(tally.Record("2", ::testing::AssertionFailure()),
                          "case 2");
  EXPECT_NONFATAL_FAILURE(tally.Finish(), "1 failed");
}

TEST(VectorTallyTest, FinishFailsWhenNothingPassed) {
  VectorTally tally("f.json");
  tally.Skip("unsupported");
  EXPECT_NONFATAL_FAILURE(tally.Finish(), "no case of f.json was checked");
}

::testing::AssertionResult Doubled(absl::StatusOr<int> value, int* out) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(const int v, std::move(value));
  *out = 2 * v;
  return ::testing::AssertionSuccess();
}

TEST(AssignOrReturnFailureTest, AssignsValue) {
  int out = 0;
  EXPECT_TRUE(Doubled(21, &out));
  EXPECT_EQ(out, 42);
}

TEST(AssignOrReturnFailureTest, ReturnsFailureWithStatus) {
  int out = 0;
  ::testing::AssertionResult result =
      Doubled(absl::InvalidArgumentError("bad size"), &out);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), ::testing::HasSubstr("bad size"));
  EXPECT_EQ(out, 0);
}

}  // namespace
}  // namespace keyward::vectors
