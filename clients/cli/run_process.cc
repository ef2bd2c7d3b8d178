#include "clients/cli/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace keyward::cli {
namespace {

// A CLI call against a local server takes well under a second; this only
// turns a hang into a failure that names the command.
constexpr absl::Duration kProcessTimeout = absl::Seconds(60);

absl::Status ErrnoError(const char* what, int error) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(error)));
}

// Fd closes a file descriptor when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  int* out() { return &fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Pipe makes a pipe whose ends are closed in exec'd children (so that a
// process spawned meanwhile by another thread keeps no end open).
absl::Status Pipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2", errno);
  *read_end->out() = fds[0];
  *write_end->out() = fds[1];
  return absl::OkStatus();
}

// Drain reads `out_fd` and `err_fd` to their ends, both at once so that a
// child filling one pipe never blocks while we wait on the other.
absl::Status Drain(Fd& out_fd, Fd& err_fd, absl::Time deadline,
                   ProcessResult* result) {
  struct Stream {
    Fd* fd;
    std::string* text;
  } streams[2] = {{&out_fd, &result->out}, {&err_fd, &result->err}};
  while (out_fd.get() >= 0 || err_fd.get() >= 0) {
    pollfd polled[2];
    nfds_t count = 0;
    Stream* which[2];
    for (Stream& stream : streams) {
      if (stream.fd->get() < 0) continue;
      polled[count] = {stream.fd->get(), POLLIN, 0};
      which[count++] = &stream;
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("the process did not finish in time");
    }
    const int ready = poll(polled, count,
                           static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("poll", errno);
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (polled[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = read(polled[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("read", errno);
      if (n == 0) {
        which[i]->fd->Reset();
      } else {
        which[i]->text->append(buffer, static_cast<size_t>(n));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env) {
  if (argv.empty()) return absl::InvalidArgumentError("argv is empty");
  Fd out_read, out_write, err_read, err_write;
  absl::Status piped = Pipe(&out_read, &out_write);
  if (piped.ok()) piped = Pipe(&err_read, &err_write);
  if (!piped.ok()) return piped;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> environment;
  for (const std::string& entry : env) {
    environment.push_back(const_cast<char*>(entry.c_str()));
  }
  environment.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(),
                            environment.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return ErrnoError(absl::StrCat("posix_spawn ", argv[0]).c_str(), spawned);
  }
  // Only the child writes now: our ends must close for reads to see EOF.
  out_write.Reset();
  err_write.Reset();

  ProcessResult result;
  absl::Status drained =
      Drain(out_read, err_read, absl::Now() + kProcessTimeout, &result);
  if (!drained.ok()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid", errno);
  }
  if (!drained.ok()) {
    return absl::Status(drained.code(),
                        absl::StrCat(argv[0], " ", argv.size() > 1 ? argv[1] : "",
                                     ": ", drained.message(),
                                     "; stderr so far: ", result.err));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

}  // namespace keyward::cli
