#include "bench/dev_keystore.h"

#include <stdlib.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "bench/runfiles.h"

namespace keyward::bench {

absl::Status MakeDevKeystore(const std::string& dir) {
  const std::string generator = RunfilePath("scripts/gen-dev-keystore");
  if (generator.empty()) {
    return absl::NotFoundError(
        "scripts/gen-dev-keystore is not among the runfiles");
  }
  const std::string command = absl::StrCat("'", generator, "' '", dir, "' >&2");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  return absl::OkStatus();
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp", "/",
                                     prefix, "XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

}  // namespace keyward::bench
