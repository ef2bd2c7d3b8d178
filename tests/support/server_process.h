#ifndef KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_
#define KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace keyward::testing {

// ServerProcess runs the keyward_server binary (a runfile of the test:
// data = ["//service:keyward_server"]) as a child process with `flags`,
// its standard error (the server's log) on a pipe that the test reads.
// The destructor kills a server still running.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& flags);
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // ReadLineContaining reads the log until a line containing `text` and
  // returns it (with its newline); "" at the end of the log (the server
  // exited) or when no such line came within `timeout` (a gtest failure
  // says which). Lines read are kept in log().
  std::string ReadLineContaining(const std::string& text,
                                 absl::Duration timeout = absl::Seconds(60));

  // Port reads the log up to the "serving on" line and returns the port it
  // names; 0 (and a gtest failure) when there is none.
  int Port();

  // Signal sends `signal` to the server.
  void Signal(int signal);

  // Stop sends `signal` and returns the exit status, as Wait does.
  int Stop(int signal);

  // Wait waits for the server to exit, reads the rest of its log and
  // returns the status as from waitpid (WIFEXITED, WEXITSTATUS, ...).
  int Wait();

  // Everything the server logged that was read so far.
  const std::string& log() const { return log_; }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  int stderr_fd_ = -1;
  // Read but not yet returned: a partial line at most, or lines after the
  // one returned.
  std::string pending_;
  std::string log_;
};

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_SERVER_PROCESS_H_
