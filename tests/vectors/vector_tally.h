#ifndef KEYWARD_TESTS_VECTORS_VECTOR_TALLY_H_
#define KEYWARD_TESTS_VECTORS_VECTOR_TALLY_H_

#include <map>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace keyward::vectors {

// VectorTally counts the cases of one vector file, so that every vector test
// reports one line per file and cannot pass by checking nothing.
//
//   VectorTally tally("rfc/rfc5869_hkdf_test_cases.json");
//   for (...) tally.Record(case_id, MatchesHex("okm", okm, expected));
//   tally.Finish();
class VectorTally {
 public:
  explicit VectorTally(std::string file);

  // Record counts one checked case. A failed `result` is also reported to
  // gtest as a non-fatal failure naming the file, `case_id` and the message.
  void Record(absl::string_view case_id,
              const ::testing::AssertionResult& result);

  // Skip counts one case that was deliberately not checked, for `reason`.
  void Skip(absl::string_view reason);

  // Summary returns "<file>: N passed, N failed, N skipped (reason)"; with
  // several skip reasons each is listed with its count.
  std::string Summary() const;

  // Finish prints Summary() on stdout and adds a gtest failure unless no case
  // failed and at least one passed.
  void Finish() const;

  int passed() const { return passed_; }
  int failed() const { return failed_; }
  int skipped() const { return skipped_; }

 private:
  std::string file_;
  int passed_ = 0;
  int failed_ = 0;
  int skipped_ = 0;
  std::map<std::string, int> skip_reasons_;
};

}  // namespace keyward::vectors

// KEYWARD_ASSIGN_OR_RETURN_FAILURE(lhs, expr) evaluates `expr`, an
// absl::StatusOr. On error the enclosing function, which must return
// ::testing::AssertionResult, returns a failure carrying the status;
// otherwise the value is moved into `lhs` (a declaration such as `auto x`).
#define KEYWARD_ASSIGN_OR_RETURN_FAILURE(lhs, expr) \
  KEYWARD_ASSIGN_OR_RETURN_FAILURE_IMPL(            \
      KEYWARD_VECTORS_CONCAT(keyward_status_or_, __LINE__), lhs, expr)

#define KEYWARD_ASSIGN_OR_RETURN_FAILURE_IMPL(status_or, lhs, expr) \
  auto status_or = (expr);                                          \
  if (!status_or.ok()) {                                            \
    return ::testing::AssertionFailure()                            \
           << #expr << ": " << status_or.status();                  \
  }                                                                 \
  lhs = *std::move(status_or)

#define KEYWARD_VECTORS_CONCAT(a, b) KEYWARD_VECTORS_CONCAT_INNER(a, b)
#define KEYWARD_VECTORS_CONCAT_INNER(a, b) a##b

#endif  // KEYWARD_TESTS_VECTORS_VECTOR_TALLY_H_
