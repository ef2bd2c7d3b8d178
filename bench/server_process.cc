#include "bench/server_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace keyward::bench {
namespace {

// How much of the end of the log an error quotes.
constexpr size_t kTailBytes = 4096;

// ExitError describes a wait status other than a clean exit; OK for that.
absl::Status ExitError(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  if (WIFEXITED(status)) {
    return absl::InternalError(
        absl::StrCat("server exited with status ", WEXITSTATUS(status)));
  }
  return absl::InternalError(
      absl::StrCat("server killed by signal ",
                   WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "?"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& flags,
    const std::string& log_path) {
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), flags.begin(), flags.end());
  testing::ChildOptions options;
  options.log_path = log_path;
  options.stop_with_parent = true;
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> child =
      testing::ChildProcess::Start(argv, options);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> serving =
      (*child)->WaitForLine("serving on ", absl::Minutes(1));
  absl::StatusOr<int> port =
      serving.ok() ? testing::PortAfter(*serving, "(port ") : serving.status();
  if (!port.ok()) {
    const absl::Status stopped = ExitError((*child)->Stop(SIGTERM));
    const std::string output = (*child)->output();
    return absl::InternalError(absl::StrCat(
        binary, " stopped before serving (",
        stopped.ok() ? "exit status 0" : stopped.message(),
        "); its output ends with:\n",
        output.substr(output.size() - std::min(output.size(), kTailBytes))));
  }
  return std::unique_ptr<ServerProcess>(
      new ServerProcess(*std::move(child), *port));
}

ServerProcess::ServerProcess(std::unique_ptr<testing::ChildProcess> process,
                             int port)
    : process_(std::move(process)), pid_(process_->pid()), port_(port) {}

ServerProcess::~ServerProcess() {
  if (!stopped_) Stop().IgnoreError();
}

absl::Status ServerProcess::Stop() {
  stopped_ = true;
  return ExitError(process_->Stop(SIGTERM));
}

}  // namespace keyward::bench
