#include "bench/runfiles.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace keyward::bench {
namespace {

constexpr char kWorkspace[] = "keyward";

}  // namespace

std::string ExecutablePath() {
  char buffer[4096];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string RunfilePath(const std::string& workspace_relative) {
  std::vector<std::string> roots;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* root = std::getenv(variable); root != nullptr && *root) {
      roots.push_back(root);
    }
  }
  roots.push_back(absl::StrCat(ExecutablePath(), ".runfiles"));
  for (const std::string& root : roots) {
    std::string path =
        absl::StrCat(root, "/", kWorkspace, "/", workspace_relative);
    if (access(path.c_str(), F_OK) == 0) return path;
  }
  return "";
}

void UseTestEnvironment(const std::string& scratch_dir) {
  if (std::getenv("TEST_SRCDIR") == nullptr) {
    const std::string marker = "service/keyward_server";
    const std::string path = RunfilePath(marker);
    const std::string suffix = absl::StrCat("/", kWorkspace, "/", marker);
    if (path.size() > suffix.size()) {
      setenv("TEST_SRCDIR", path.substr(0, path.size() - suffix.size()).c_str(),
             1);
    }
    setenv("TEST_WORKSPACE", kWorkspace, 1);
  }
  setenv("TEST_TMPDIR", scratch_dir.c_str(), 1);
}

}  // namespace keyward::bench
