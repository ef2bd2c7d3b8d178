#ifndef KEYWARD_BENCH_SERVER_PROCESS_H_
#define KEYWARD_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace keyward::bench {

// ServerProcess: a server started as a child process (keyward_server, or
// grpc_floor serving one model), so that the benchmark knows its pid (for
// its CPU time) and its port.
class ServerProcess {
 public:
  // Start runs `binary` with `flags` (e.g. {"--config=<path>"}), its
  // standard output and error copied to `log_path`, and waits for the log
  // line "serving on ... (port N, ..." that announces the bound port. The
  // child gets SIGTERM if this thread exits first (PR_SET_PDEATHSIG).
  // Internal, with the end of the log, when the server exits before
  // serving; NotFound when `log_path` cannot be created.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& flags,
      const std::string& log_path);

  // The destructor stops the server if Stop was not called.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }

  // Stop sends SIGTERM and waits for the process to exit. OK when it
  // exits with status 0; Internal describing the exit otherwise. Once only.
  absl::Status Stop();

 private:
  ServerProcess(pid_t pid, int output_fd, int log_fd);

  // CopyOutput copies the child's output to the log until end of file,
  // noting the port when the serving line goes past.
  void CopyOutput();
  // WaitForPort returns the port, or 0 when the output ended first.
  int WaitForPort();

  const pid_t pid_;
  const int output_fd_;  // Read end of the child's stdout/stderr pipe.
  const int log_fd_;
  int port_ = 0;
  bool stopped_ = false;

  // Guards the fields below, which CopyOutput sets.
  std::mutex mu_;
  std::condition_variable changed_;
  int announced_port_ ABSL_GUARDED_BY(mu_) = 0;
  bool output_ended_ ABSL_GUARDED_BY(mu_) = false;
  // The last few KiB of output, for error messages.
  std::string tail_ ABSL_GUARDED_BY(mu_);

  std::thread copier_;
};

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_SERVER_PROCESS_H_
