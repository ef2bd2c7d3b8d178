#ifndef KEYWARD_BENCH_SERVER_PROCESS_H_
#define KEYWARD_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/child_process.h"

namespace keyward::bench {

// ServerProcess: a server started as a child process (keyward_server, or
// grpc_floor serving one model), so that the benchmark knows its pid (for
// its CPU time) and its port.
class ServerProcess {
 public:
  // Start runs `binary` with `flags` (e.g. {"--config=<path>"}), its
  // standard output and error copied to `log_path`, and waits for the log
  // line "serving on ... (port N, ..." that announces the bound port. The
  // child gets SIGTERM if this thread exits first. Internal, with the end of
  // the log, when the server exits or stays silent for a minute before
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
  ServerProcess(std::unique_ptr<testing::ChildProcess> process, int port);

  const std::unique_ptr<testing::ChildProcess> process_;
  const pid_t pid_;
  const int port_;
  bool stopped_ = false;
};

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_SERVER_PROCESS_H_
