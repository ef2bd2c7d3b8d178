#ifndef KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_
#define KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/child_process.h"

namespace keyward::testing {

// ServerProcess runs the keyward_server binary (a runfile of the test:
// data = ["//service:keyward_server"]) as a ChildProcess with `flags` and
// this process's environment, and reports problems as gtest failures.
// The destructor kills a server still running.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& flags);

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // ReadLineContaining returns the next line of the log (after the one it
  // returned last) that contains `text`, with its newline; "" at the end
  // of the log (the server exited) or when no such line came within
  // `timeout` (a gtest failure says which).
  std::string ReadLineContaining(const std::string& text,
                                 absl::Duration timeout = absl::Seconds(60));

  // Port reads the log up to the "serving on" line and returns the port it
  // names; 0 (and a gtest failure) when there is none.
  int Port();

  // Signal sends `signal` to the server.
  void Signal(int signal);

  // Stop sends `signal` and returns the exit status, as Wait does.
  int Stop(int signal);

  // Wait waits for the server to exit and returns the status as from
  // waitpid (WIFEXITED, WEXITSTATUS, ...).
  int Wait();

  // Everything the server logged so far.
  std::string log();

  pid_t pid() const { return process_ ? process_->pid() : 0; }

 private:
  std::unique_ptr<ChildProcess> process_;  // Null when it did not start.
  size_t read_ = 0;  // Where the next ReadLineContaining looks.
};

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_
