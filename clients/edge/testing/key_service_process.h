#ifndef KEYWARD_CLIENTS_EDGE_TESTING_KEY_SERVICE_PROCESS_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_KEY_SERVICE_PROCESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_keystore.h"

namespace keyward::edge::testing {

// KeyServiceProcess runs the keyward_server binary (a data dependency of
// the test: //service:keyward_server) with the dev keystore, mutual TLS,
// and its audit log in a file.
class KeyServiceProcess {
 public:
  // Start writes a configuration file beside `audit_path` and starts the
  // server on 127.0.0.1:`port` (0: a free port), then waits for it to log
  // that it serves. Fails as ChildProcess::Start and WaitForLine do.
  static absl::StatusOr<std::unique_ptr<KeyServiceProcess>> Start(
      const keyward::testing::DevKeystore& keystore,
      const std::string& audit_path, int port = 0);

  int port() const { return port_; }
  // endpoint: "127.0.0.1:<port>".
  std::string endpoint() const;
  keyward::testing::ChildProcess& process() { return *process_; }

 private:
  KeyServiceProcess(std::unique_ptr<keyward::testing::ChildProcess> process,
                    int port)
      : process_(std::move(process)), port_(port) {}

  std::unique_ptr<keyward::testing::ChildProcess> process_;
  const int port_;
};

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_KEY_SERVICE_PROCESS_H_
