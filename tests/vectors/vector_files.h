#ifndef KEYWARD_TESTS_VECTORS_VECTOR_FILES_H_
#define KEYWARD_TESTS_VECTORS_VECTOR_FILES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace keyward::vectors {

// ReadVectorFile returns the contents of the test-vector file at
// `relative_path`, a path under the shared vectors folder such as
// "rfc/rfc5869_hkdf_test_cases.json". The file is looked up in the test's
// runfiles ($TEST_SRCDIR/<workspace>/external/vectors/... and
// $TEST_SRCDIR/vectors/...), so the test target needs
// `data = ["@vectors//:all"]`. Returns NotFound, naming the file and the
// places searched, when it is absent (as in a clone without the folder).
absl::StatusOr<std::string> ReadVectorFile(absl::string_view relative_path);

// ReadVectorJson reads `relative_path` as ReadVectorFile does and parses it.
// Returns NotFound as ReadVectorFile does, DataLoss if it is not valid JSON.
absl::StatusOr<nlohmann::json> ReadVectorJson(absl::string_view relative_path);

// HexField decodes the hex string `object[key]`. Returns InvalidArgument
// naming `key` if it is missing, not a string, or not hex.
absl::StatusOr<std::vector<uint8_t>> HexField(const nlohmann::json& object,
                                              absl::string_view key);

// VectorsRequired returns true when the environment variable
// KEYWARD_REQUIRE_VECTORS is "1" (CI sets it): then a missing vector file is
// a test failure instead of a skip.
bool VectorsRequired();

}  // namespace keyward::vectors

// KEYWARD_READ_VECTOR_JSON_OR_SKIP declares `nlohmann::json var` holding the
// parsed vector file `path`. For use directly in a TEST body. When the file is
// missing the test is skipped with a message naming the file, or fails when
// VectorsRequired(); a file that does not parse always fails the test.
#define KEYWARD_READ_VECTOR_JSON_OR_SKIP(var, path)                        \
  nlohmann::json var;                                                      \
  {                                                                        \
    absl::StatusOr<nlohmann::json> keyward_vector_json =                   \
        ::keyward::vectors::ReadVectorJson(path);                          \
    if (absl::IsNotFound(keyward_vector_json.status()) &&                  \
        !::keyward::vectors::VectorsRequired()) {                          \
      GTEST_SKIP() << keyward_vector_json.status().message()               \
                   << " (set KEYWARD_REQUIRE_VECTORS=1 to fail instead)";  \
    }                                                                      \
    ASSERT_TRUE(keyward_vector_json.ok()) << keyward_vector_json.status(); \
    var = *std::move(keyward_vector_json);                                 \
  }

#endif  // KEYWARD_TESTS_VECTORS_VECTOR_FILES_H_
