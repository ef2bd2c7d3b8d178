#include "bench/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace keyward::bench {
namespace {

constexpr size_t kTailBytes = 4096;
constexpr char kServingLine[] = "serving on ";
constexpr char kPortMarker[] = "(port ";

// PortIn returns the port announced in `line`, or 0.
int PortIn(absl::string_view line) {
  if (line.find(kServingLine) == absl::string_view::npos) return 0;
  const size_t at = line.find(kPortMarker);
  if (at == absl::string_view::npos) return 0;
  absl::string_view rest = line.substr(at + strlen(kPortMarker));
  const size_t end = rest.find_first_not_of("0123456789");
  int port = 0;
  if (!absl::SimpleAtoi(rest.substr(0, end), &port)) return 0;
  return port;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& flags,
    const std::string& log_path) {
  const int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot create ", log_path, ": ", std::strerror(errno)));
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  // Everything the child needs is prepared before fork: between fork and
  // exec it may only make async-signal-safe calls.
  std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
  for (const std::string& flag : flags) {
    argv.push_back(const_cast<char*>(flag.c_str()));
  }
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // The parent already died.
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  std::unique_ptr<ServerProcess> server(
      new ServerProcess(pid, pipe_fds[0], log_fd));
  server->port_ = server->WaitForPort();
  if (server->port_ == 0) {
    absl::Status stopped = server->Stop();
    std::lock_guard<std::mutex> lock(server->mu_);
    return absl::InternalError(
        absl::StrCat(binary, " stopped before serving (", stopped.message(),
                     "); its output ends with:\n", server->tail_));
  }
  return server;
}

ServerProcess::ServerProcess(pid_t pid, int output_fd, int log_fd)
    : pid_(pid),
      output_fd_(output_fd),
      log_fd_(log_fd),
      copier_([this] { CopyOutput(); }) {}

ServerProcess::~ServerProcess() {
  if (!stopped_) Stop().IgnoreError();
}

void ServerProcess::CopyOutput() {
  std::string line;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(output_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // The log is best effort: a full disk must not stop the server.
    if (write(log_fd_, buffer, static_cast<size_t>(n)) < 0) {
      // Nothing to do; the tail below still has the output.
    }
    std::lock_guard<std::mutex> lock(mu_);
    tail_.append(buffer, static_cast<size_t>(n));
    if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
    if (announced_port_ != 0) continue;
    line.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = line.find('\n')) != std::string::npos) {
      if (int port = PortIn(absl::string_view(line).substr(0, newline))) {
        announced_port_ = port;
        changed_.notify_all();
      }
      line.erase(0, newline + 1);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  output_ended_ = true;
  changed_.notify_all();
}

int ServerProcess::WaitForPort() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return announced_port_ != 0 || output_ended_; });
  return announced_port_;
}

absl::Status ServerProcess::Stop() {
  stopped_ = true;
  kill(pid_, SIGTERM);
  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid_, &status, 0);
  } while (waited < 0 && errno == EINTR);
  copier_.join();
  close(output_fd_);
  close(log_fd_);
  if (waited < 0) {
    return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  if (WIFEXITED(status)) {
    return absl::InternalError(
        absl::StrCat("server exited with status ", WEXITSTATUS(status)));
  }
  return absl::InternalError(
      absl::StrCat("server killed by signal ",
                   WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "?"));
}

}  // namespace keyward::bench
