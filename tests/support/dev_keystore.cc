#include "tests/support/dev_keystore.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "keyward", "/",
                      workspace_relative);
}

absl::StatusOr<DevKeystore> MakeDevKeystore(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  DevKeystore out{absl::StrCat(tmp ? tmp : "/tmp", "/", name)};
  std::string command = absl::StrCat(
      "'", RunfilePath("scripts/gen-dev-keystore"), "' '", out.dir, "' >&2");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  return out;
}

}  // namespace keyward::testing
