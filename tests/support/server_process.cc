#include "tests/support/server_process.h"

#include <utility>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"

namespace keyward::testing {

ServerProcess::ServerProcess(const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {RunfilePath("service/keyward_server")};
  argv.insert(argv.end(), flags.begin(), flags.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> started =
      ChildProcess::Start(argv, ChildOptions());
  if (!started.ok()) {
    ADD_FAILURE() << started.status();
    return;
  }
  process_ = *std::move(started);
}

std::string ServerProcess::ReadLineContaining(const std::string& text,
                                              absl::Duration timeout) {
  if (process_ == nullptr) return "";
  absl::StatusOr<std::string> line =
      process_->WaitForLine(text, timeout, read_, &read_);
  if (line.ok()) return *line + "\n";
  // The end of the log is an answer; only a timeout is a failure.
  if (!absl::IsFailedPrecondition(line.status())) {
    ADD_FAILURE() << line.status();
  }
  return "";
}

int ServerProcess::Port() {
  const std::string serving = ReadLineContaining("serving on");
  absl::StatusOr<int> port = PortAfter(serving, "(port ");
  if (!port.ok()) {
    ADD_FAILURE() << port.status() << "; the log:\n" << log();
    return 0;
  }
  return *port;
}

void ServerProcess::Signal(int signal) {
  if (process_ != nullptr) process_->Signal(signal);
}

int ServerProcess::Stop(int signal) {
  Signal(signal);
  return Wait();
}

int ServerProcess::Wait() { return process_ != nullptr ? process_->Wait() : 0; }

std::string ServerProcess::log() {
  return process_ != nullptr ? process_->output() : "";
}

}  // namespace keyward::testing
