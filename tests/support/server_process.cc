#include "tests/support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"

extern char** environ;

namespace keyward::testing {

ServerProcess::ServerProcess(const std::vector<std::string>& flags) {
  int fds[2];
  // Close-on-exec, so that servers started later do not hold this pipe.
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << errno;
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::string binary = RunfilePath("service/keyward_server");
  std::vector<std::string> args = flags;
  std::vector<char*> argv = {binary.data()};
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, binary.c_str(), &actions, nullptr,
                                  argv.data(), environ);
  EXPECT_EQ(spawned, 0) << binary;
  if (spawned != 0) pid_ = 0;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  stderr_fd_ = fds[0];
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

std::string ServerProcess::ReadLineContaining(const std::string& text,
                                              absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    size_t newline;
    while ((newline = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, newline + 1);
      pending_.erase(0, newline + 1);
      log_ += line;
      if (line.find(text) != std::string::npos) return line;
    }
    if (stderr_fd_ < 0) return "";
    const absl::Duration left = deadline - absl::Now();
    pollfd readable = {stderr_fd_, POLLIN, 0};
    const int ready = poll(&readable, 1,
                           static_cast<int>(std::max<int64_t>(
                               0, absl::ToInt64Milliseconds(left))));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      ADD_FAILURE() << "no log line containing \"" << text << "\" within "
                    << timeout << "; the log so far:\n"
                    << log_ << pending_;
      return "";
    }
    char buffer[4096];
    const ssize_t n = read(stderr_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // The server exited (and closed its end).
      log_ += pending_;
      pending_.clear();
      close(stderr_fd_);
      stderr_fd_ = -1;
      return "";
    }
    pending_.append(buffer, static_cast<size_t>(n));
  }
}

int ServerProcess::Port() {
  const std::string serving = ReadLineContaining("serving on");
  const size_t at = serving.find("(port ");
  int port = 0;
  if (at == std::string::npos ||
      !absl::SimpleAtoi(serving.substr(at + 6, serving.find(',', at) - at - 6),
                        &port)) {
    ADD_FAILURE() << "no port in the log: " << log_;
  }
  return port;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::Stop(int signal) {
  Signal(signal);
  return Wait();
}

int ServerProcess::Wait() {
  int status = 0;
  if (pid_ > 0) {
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }
  // The rest of the log: no line holds "\x01", so this reads to the end.
  while (stderr_fd_ >= 0 && !ReadLineContaining("\x01").empty()) {
  }
  return status;
}

}  // namespace keyward::testing
