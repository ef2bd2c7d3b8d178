#ifndef KEYWARD_TESTS_SUPPORT_CHILD_PROCESS_H_
#define KEYWARD_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// The one way the tests and benchmarks run other programs: servers in the
// background (ChildProcess) and commands to completion (RunProcess).
namespace keyward::testing {

// ChildOptions: how ChildProcess::Start runs the program.
struct ChildOptions {
  // The child's whole environment ("NAME=value" entries); unset: this
  // process's own.
  std::optional<std::vector<std::string>> env;
  // When not empty, the output is also copied to this file (created or
  // truncated, mode 0600) as it arrives, so that it outlives the run.
  std::string log_path;
  // Whether the child gets SIGTERM when the thread that started it exits
  // (PR_SET_PDEATHSIG), so that a crashed benchmark leaves no server behind.
  bool stop_with_parent = false;
};

// ChildProcess runs a program in the background (a server), with its
// standard output and error merged and collected by a reader thread so
// that the child never blocks on a full pipe. Standard input is /dev/null.
class ChildProcess {
 public:
  // Start runs the executable argv[0] (no PATH search) with the rest of
  // argv as its arguments. Internal when it cannot be started; NotFound when
  // options.log_path cannot be created.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const ChildOptions& options);
  // The same, with `env` as the whole environment.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv,
      const std::vector<std::string>& env);

  // The destructor kills a child still running (SIGKILL) and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // WaitForLine blocks until a line of output that begins at or after byte
  // `from` contains `text`, and returns that line (without its newline);
  // `next`, when given, receives the offset just past the line's newline (a
  // `from` for the line after it). DeadlineExceeded after `timeout`;
  // FailedPrecondition when the output ends (the child exited) first. Both
  // errors include the output so far.
  absl::StatusOr<std::string> WaitForLine(absl::string_view text,
                                          absl::Duration timeout,
                                          size_t from = 0,
                                          size_t* next = nullptr);

  // output: everything the child has written so far.
  std::string output();
  // output_size: its length, a `from` for a later WaitForLine.
  size_t output_size();

  pid_t pid() const { return pid_; }

  // Signal sends `signal` (nothing once the child has been waited for).
  void Signal(int signal);
  // Wait waits for the child to end and returns its wait status (as from
  // waitpid; 0 when it was already waited for). Collects the rest of its
  // output.
  int Wait();
  // Stop sends `signal`, then waits as Wait does.
  int Stop(int signal);

 private:
  ChildProcess(pid_t pid, int output_fd, int log_fd);
  void ReadOutput();

  pid_t pid_;
  const int output_fd_;
  const int log_fd_;  // -1 without options.log_path.
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

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_CHILD_PROCESS_H_
