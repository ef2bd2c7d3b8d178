#include "tests/vectors/vector_files.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/vectors/hex.h"

namespace keyward::vectors {
namespace {

// GetEnv returns the value of `name`, or "" when it is unset.
std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// CandidatePaths lists where Bazel may place `relative_path` of the @vectors
// repository in the runfiles tree: under the main workspace's "external"
// folder (legacy external runfiles) and as a sibling repository.
std::vector<std::string> CandidatePaths(absl::string_view relative_path) {
  const std::string srcdir = GetEnv("TEST_SRCDIR");
  if (srcdir.empty()) return {};
  std::string workspace = GetEnv("TEST_WORKSPACE");
  if (workspace.empty()) workspace = "keyward";
  return {
      absl::StrCat(srcdir, "/", workspace, "/external/vectors/", relative_path),
      absl::StrCat(srcdir, "/vectors/", relative_path),
  };
}

}  // namespace

absl::StatusOr<std::string> ReadVectorFile(absl::string_view relative_path) {
  const std::vector<std::string> candidates = CandidatePaths(relative_path);
  for (const std::string& path : candidates) {
    std::ifstream file(path, std::ios::binary);
    if (!file.is_open()) continue;
    std::ostringstream contents;
    contents << file.rdbuf();
    if (file.bad()) {
      return absl::DataLossError(absl::StrCat("error reading ", path));
    }
    return contents.str();
  }
  if (candidates.empty()) {
    return absl::NotFoundError(
        absl::StrCat("vector file ", relative_path,
                     " not found: TEST_SRCDIR is not set (run under bazel)"));
  }
  return absl::NotFoundError(
      absl::StrCat("vector file ", relative_path, " not found (looked in ",
                   absl::StrJoin(candidates, ", "), ")"));
}

absl::StatusOr<nlohmann::json> ReadVectorJson(absl::string_view relative_path) {
  absl::StatusOr<std::string> contents = ReadVectorFile(relative_path);
  if (!contents.ok()) return contents.status();
  nlohmann::json parsed = nlohmann::json::parse(*contents, /*cb=*/nullptr,
                                                /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::DataLossError(
        absl::StrCat("vector file ", relative_path, " is not valid JSON"));
  }
  return parsed;
}

absl::StatusOr<std::vector<uint8_t>> HexField(const nlohmann::json& object,
                                              absl::string_view key) {
  const std::string name(key);
  if (!object.is_object() || !object.contains(name) ||
      !object[name].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", key, ": missing or not a string"));
  }
  absl::StatusOr<std::vector<uint8_t>> bytes =
      HexToBytes(object[name].get<std::string>());
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", key, ": ", bytes.status().message()));
  }
  return bytes;
}

bool VectorsRequired() { return GetEnv("KEYWARD_REQUIRE_VECTORS") == "1"; }

}  // namespace keyward::vectors
