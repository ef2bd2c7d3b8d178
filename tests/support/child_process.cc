#include "tests/support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace keyward::testing {
namespace {

absl::Status ErrnoError(absl::string_view what, int error) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(error)));
}

// Pipe makes a pipe whose ends are closed in exec'd children, so that a
// child spawned meanwhile by another thread keeps no end open.
absl::Status Pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2", errno);
  return absl::OkStatus();
}

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Spawn starts argv[0] with its standard input, output and error on the
// given descriptors (-1: /dev/null for input) and `env` as its environment
// (null: this process's). Everything the child uses is prepared before
// fork: between fork and exec it makes only async-signal-safe calls. A
// failed exec reports its errno through a close-on-exec pipe.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const std::vector<std::string>* env, int in_fd,
                            int out_fd, int err_fd, bool stop_with_parent) {
  if (argv.empty()) return absl::InvalidArgumentError("argv is empty");
  std::vector<char*> args = Pointers(argv);
  std::vector<char*> environment;
  if (env != nullptr) environment = Pointers(*env);
  char** const child_env = env != nullptr ? environment.data() : environ;
  int exec_error[2];
  if (absl::Status piped = Pipe(exec_error); !piped.ok()) return piped;
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(exec_error[0]);
    close(exec_error[1]);
    return ErrnoError("fork", error);
  }
  if (pid == 0) {
    if (stop_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(127);  // The parent already ended.
    }
    const int input = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
    if (input < 0 || dup2(input, STDIN_FILENO) < 0 ||
        dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execve(args[0], args.data(), child_env);
    const int error = errno;
    if (write(exec_error[1], &error, sizeof error) < 0) {
      // Nothing more to do: the parent then sees a plain exit 127.
    }
    _exit(127);
  }
  close(exec_error[1]);
  int error = 0;
  ssize_t n;
  do {
    n = read(exec_error[0], &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  close(exec_error[0]);
  if (n == static_cast<ssize_t>(sizeof error)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return ErrnoError(absl::StrCat("exec ", argv[0]), error);
  }
  return pid;
}

int WaitStatus(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const ChildOptions& options) {
  int log_fd = -1;
  if (!options.log_path.empty()) {
    log_fd = open(options.log_path.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) {
      return absl::NotFoundError(absl::StrCat(
          "cannot create ", options.log_path, ": ", std::strerror(errno)));
    }
  }
  int fds[2];
  absl::Status piped = Pipe(fds);
  if (!piped.ok()) {
    if (log_fd >= 0) close(log_fd);
    return piped;
  }
  absl::StatusOr<pid_t> pid =
      Spawn(argv, options.env ? &*options.env : nullptr, -1, fds[1], fds[1],
            options.stop_with_parent);
  close(fds[1]);
  if (!pid.ok()) {
    close(fds[0]);
    if (log_fd >= 0) close(log_fd);
    return pid.status();
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess(*pid, fds[0], log_fd));
  child->reader_ = std::thread(&ChildProcess::ReadOutput, child.get());
  return child;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  ChildOptions options;
  options.env = env;
  return Start(argv, options);
}

ChildProcess::ChildProcess(pid_t pid, int output_fd, int log_fd)
    : pid_(pid), output_fd_(output_fd), log_fd_(log_fd) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  if (reader_.joinable()) reader_.join();
  close(output_fd_);
  if (log_fd_ >= 0) close(log_fd_);
}

void ChildProcess::ReadOutput() {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(output_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    // The log file is best effort: a full disk must not stop the child.
    if (n > 0 && log_fd_ >= 0 &&
        write(log_fd_, buffer, static_cast<size_t>(n)) < 0) {
      // The output is still collected below.
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (n <= 0) {
      ended_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buffer, static_cast<size_t>(n));
    changed_.notify_all();
  }
}

absl::StatusOr<std::string> ChildProcess::WaitForLine(absl::string_view text,
                                                      absl::Duration timeout,
                                                      size_t from,
                                                      size_t* next) {
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    size_t at = output_.find(std::string(text), from);
    // Only a complete line counts: the child may be writing it.
    if (at != std::string::npos) {
      const size_t end = output_.find('\n', at);
      if (end != std::string::npos) {
        const size_t begin = output_.rfind('\n', at);
        const size_t start = begin == std::string::npos ? 0 : begin + 1;
        if (next != nullptr) *next = end + 1;
        return output_.substr(start, end - start);
      }
    }
    if (ended_) {
      return absl::FailedPreconditionError(
          absl::StrCat("the process ended without writing \"", text,
                       "\"; output:\n", output_));
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return absl::DeadlineExceededError(
          absl::StrCat("no \"", text, "\" within ",
                       absl::FormatDuration(timeout), "; output:\n", output_));
    }
  }
}

std::string ChildProcess::output() {
  std::lock_guard<std::mutex> lock(mu_);
  return output_;
}

size_t ChildProcess::output_size() {
  std::lock_guard<std::mutex> lock(mu_);
  return output_.size();
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ChildProcess::Wait() {
  if (pid_ <= 0) return 0;
  const int status = WaitStatus(pid_);
  pid_ = 0;
  if (reader_.joinable()) reader_.join();
  return status;
}

int ChildProcess::Stop(int signal) {
  Signal(signal);
  return Wait();
}

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         absl::string_view input,
                                         absl::Duration timeout) {
  int in[2], out[2], err[2];
  if (absl::Status s = Pipe(in); !s.ok()) return s;
  if (absl::Status s = Pipe(out); !s.ok()) return s;
  if (absl::Status s = Pipe(err); !s.ok()) return s;
  absl::StatusOr<pid_t> pid =
      Spawn(argv, &env, in[0], out[1], err[1], /*stop_with_parent=*/false);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!pid.ok()) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    return pid.status();
  }
  // The child may exit without reading its input.
  signal(SIGPIPE, SIG_IGN);
  ProcessResult result;
  int in_fd = in[1];
  int fds[2] = {out[0], err[0]};
  std::string* texts[2] = {&result.out, &result.err};
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  while (in_fd >= 0 || fds[0] >= 0 || fds[1] >= 0) {
    if (in_fd >= 0 && input.empty()) {
      close(in_fd);
      in_fd = -1;
      continue;
    }
    pollfd polled[3];
    int which[3];
    nfds_t count = 0;
    if (in_fd >= 0) {
      polled[count] = {in_fd, POLLOUT, 0};
      which[count++] = -1;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0) continue;
      polled[count] = {fds[i], POLLIN, 0};
      which[count++] = i;
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    const int ready = poll(
        polled, count, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) {
      timed_out = true;
      break;
    }
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if (polled[i].revents == 0) continue;
      if (which[i] < 0) {
        const ssize_t n = write(in_fd, input.data(), input.size());
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
          close(in_fd);
          in_fd = -1;
        } else if (n > 0) {
          input.remove_prefix(static_cast<size_t>(n));
        }
        continue;
      }
      char buffer[4096];
      const ssize_t n = read(fds[which[i]], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[which[i]]);
        fds[which[i]] = -1;
      } else {
        texts[which[i]]->append(buffer, static_cast<size_t>(n));
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
  if (timed_out) kill(*pid, SIGKILL);
  const int status = WaitStatus(*pid);
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(
        argv[0], " did not finish within ", absl::FormatDuration(timeout),
        "; stdout:\n", result.out, "\nstderr:\n", result.err));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

absl::StatusOr<int> PortAfter(absl::string_view line,
                              absl::string_view marker) {
  const size_t at = line.find(marker);
  int port = 0;
  if (at != absl::string_view::npos) {
    const absl::string_view rest = line.substr(at + marker.size());
    const size_t end = rest.find_first_not_of("0123456789");
    if (absl::SimpleAtoi(rest.substr(0, end), &port) && port > 0) return port;
  }
  return absl::InternalError(absl::StrCat("no port in: ", line));
}

}  // namespace keyward::testing
