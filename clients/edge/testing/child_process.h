#ifndef KEYWARD_CLIENTS_EDGE_TESTING_CHILD_PROCESS_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace keyward::edge::testing {

// ChildProcess runs a program in the background (a server), with its
// standard output and error merged and collected by a reader thread so
// that the child never blocks on a full pipe.
class ChildProcess {
 public:
  // Start runs the executable argv[0] (no PATH search) with `env`
  // ("NAME=value" entries) as its whole environment and /dev/null as
  // standard input. Internal when it cannot be started.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv,
      const std::vector<std::string>& env);

  // The destructor kills a child still running (SIGKILL) and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // WaitForLine blocks until a line of output that begins at or after byte
  // `from` contains `text`, and returns that line (without its newline).
  // DeadlineExceeded after `timeout`; FailedPrecondition when the output
  // ends (the child exited) first. Both errors include the output so far.
  absl::StatusOr<std::string> WaitForLine(absl::string_view text,
                                          absl::Duration timeout,
                                          size_t from = 0);

  // output: everything the child has written so far.
  std::string output();
  // output_size: its length, a `from` for a later WaitForLine.
  size_t output_size();

  pid_t pid() const { return pid_; }

  // Signal sends `signal`.
  void Signal(int signal);
  // Stop sends `signal` and waits for the child to end; returns its wait
  // status (as from waitpid). Collects the rest of its output.
  int Stop(int signal);

 private:
  ChildProcess(pid_t pid, int output_fd);
  void ReadOutput();

  pid_t pid_;
  const int output_fd_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable changed_;
  // Guard the output and whether it has ended.
  std::string output_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

// ProcessResult: how a process run to completion ended.
struct ProcessResult {
  // The exit status, or 128 + the signal number when a signal ended it.
  int exit_code = -1;
  std::string out;
  std::string err;
};

// RunProcess runs argv[0] (no PATH search) with `env` as its environment,
// writes `input` to its standard input (then closes it), and waits for it
// to end. Internal when it cannot be run; DeadlineExceeded (after killing
// it) when it has not ended within `timeout`, with its output so far.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         absl::string_view input,
                                         absl::Duration timeout);

// PortAfter reads the port number that follows `marker` in a server's log
// line, e.g. PortAfter("serving on ... (port 4711)", "(port ") is 4711.
// Internal naming the line when there is none.
absl::StatusOr<int> PortAfter(absl::string_view line, absl::string_view marker);

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_CHILD_PROCESS_H_
