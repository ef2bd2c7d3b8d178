#ifndef KEYWARD_CLIENTS_CLI_RUN_PROCESS_H_
#define KEYWARD_CLIENTS_CLI_RUN_PROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace keyward::cli {

// ProcessResult: how a child process ended and what it wrote.
struct ProcessResult {
  // The exit status, or 128 + the signal number when a signal ended it.
  int exit_code = -1;
  std::string out;  // Standard output.
  std::string err;  // Standard error.
};

// RunProcess runs the executable argv[0] with arguments `argv` and exactly
// the environment `env` ("NAME=value" entries), standard input from
// /dev/null, and waits for it to end. No shell and no PATH search are
// involved, so arguments need no quoting. Internal when the process cannot
// be started or its output cannot be read; DeadlineExceeded (after killing
// it) when it has not finished within 60 s.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env);

}  // namespace keyward::cli

#endif  // KEYWARD_CLIENTS_CLI_RUN_PROCESS_H_
