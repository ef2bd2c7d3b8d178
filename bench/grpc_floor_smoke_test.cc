// Runs bench/grpc_floor with a few calls per server model: every model's
// child must start, echo every call exactly (the tool checks each) and stop
// cleanly, and the table must have a row per model with its figures.
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/runfiles.h"
#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

int RunFloor(const std::string& flags) {
  const std::string floor = RunfilePath("bench/grpc_floor");
  EXPECT_FALSE(floor.empty()) << "bench/grpc_floor is not among the runfiles";
  const std::string command = absl::StrCat("'", floor, "' ", flags);
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status)) << command;
  return WEXITSTATUS(status);
}

TEST(GrpcFloorSmokeTest, MeasuresEveryModel) {
  const std::string markdown = std::string(std::getenv("TEST_TMPDIR")) +
                               "/floor.md";
  ASSERT_EQ(RunFloor(absl::StrCat("--calls=200 --warmup_calls=20 "
                                  "--markdown_out='",
                                  markdown, "'")),
            0);
  const std::vector<std::string> lines =
      absl::StrSplit(ReadFileOrEmpty(markdown), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << ReadFileOrEmpty(markdown);
  const std::vector<std::string> models = {"callback", "async-1", "async-2",
                                           "async-1+callback"};
  for (size_t i = 0; i < models.size(); ++i) {
    SCOPED_TRACE(lines[i + 2]);
    std::vector<std::string> cells = absl::StrSplit(lines[i + 2], '|');
    ASSERT_EQ(cells.size(), 11u);
    EXPECT_EQ(absl::StripAsciiWhitespace(cells[1]), models[i]);
    int calls = 0;
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(cells[2]), &calls));
    EXPECT_EQ(calls, 200);
    double p50 = 0;
    double p99 = 0;
    ASSERT_TRUE(absl::SimpleAtod(absl::StripAsciiWhitespace(cells[3]), &p50));
    ASSERT_TRUE(absl::SimpleAtod(absl::StripAsciiWhitespace(cells[5]), &p99));
    EXPECT_GT(p50, 0);
    EXPECT_LE(p50, p99);
    // The callback row is the reference.
    if (i == 0) {
      EXPECT_EQ(absl::StripAsciiWhitespace(cells[8]), "1.00");
    }
  }
}

TEST(GrpcFloorSmokeTest, RefusesAnUnknownModel) {
  EXPECT_EQ(RunFloor("--models=callback,threads --calls=1"), 2);
}

}  // namespace
}  // namespace keyward::bench
