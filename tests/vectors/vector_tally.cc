#include "tests/vectors/vector_tally.h"

#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace keyward::vectors {

VectorTally::VectorTally(std::string file) : file_(std::move(file)) {}

void VectorTally::Record(absl::string_view case_id,
                         const ::testing::AssertionResult& result) {
  if (result) {
    ++passed_;
    return;
  }
  ++failed_;
  ADD_FAILURE() << file_ << " case " << case_id << ": " << result.message();
}

void VectorTally::Skip(absl::string_view reason) {
  ++skipped_;
  ++skip_reasons_[std::string(reason)];
}

std::string VectorTally::Summary() const {
  std::string line = absl::StrCat(file_, ": ", passed_, " passed, ", failed_,
                                  " failed, ", skipped_, " skipped");
  if (skip_reasons_.size() == 1) {
    absl::StrAppend(&line, " (", skip_reasons_.begin()->first, ")");
  } else if (skip_reasons_.size() > 1) {
    std::vector<std::string> parts;
    for (const auto& [reason, count] : skip_reasons_) {
      parts.push_back(absl::StrCat(count, ": ", reason));
    }
    absl::StrAppend(&line, " (", absl::StrJoin(parts, "; "), ")");
  }
  return line;
}

void VectorTally::Finish() const {
  std::cout << Summary() << std::endl;
  EXPECT_EQ(failed_, 0) << Summary();
  EXPECT_GT(passed_, 0) << "no case of " << file_ << " was checked";
}

}  // namespace keyward::vectors
