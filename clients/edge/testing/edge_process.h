#ifndef KEYWARD_CLIENTS_EDGE_TESTING_EDGE_PROCESS_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_EDGE_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_keystore.h"

namespace keyward::edge::testing {

// ProviderSettingsFor: the keyward provider's settings for a test: the
// service at `endpoint`, the dev keystore's CA and edge-a credentials, and
// a call timeout.
struct ProviderSettingsFor {
  std::string endpoint;
  const keyward::testing::DevKeystore* keystore;
  std::string timeout = "2s";
};

// ProviderModulePath: the keyward provider module (a data dependency of the
// test: //clients/openssl_provider:keyward.so).
std::string ProviderModulePath();

// WriteOpenSslConfig writes to `path` an openssl.cnf whose providers are
// "default" and then "keyward" (the module, with `settings` in its
// section), both activated.
void WriteOpenSslConfig(const std::string& path,
                        const ProviderSettingsFor& settings);

// EdgeSite: a certificate chain file and the URI of its key.
struct EdgeSite {
  std::string chain_file;
  std::string key_uri;
};

// EdgeProcess runs the keyward_edge binary (a data dependency:
// //clients/edge:keyward_edge) on 127.0.0.1 with no environment at all:
// everything it knows comes from its flags and its OpenSSL configuration.
class EdgeProcess {
 public:
  // Start runs the edge with `openssl_config`, `sites` and `extra_flags`
  // (e.g. "--max_connections=200") on a free port and waits until it
  // serves. Fails as ChildProcess::Start and WaitForLine do (e.g. when a
  // key cannot be opened).
  static absl::StatusOr<std::unique_ptr<EdgeProcess>> Start(
      const std::string& openssl_config, const std::vector<EdgeSite>& sites,
      const std::vector<std::string>& extra_flags = {});

  int port() const { return port_; }
  keyward::testing::ChildProcess& process() { return *process_; }

 private:
  EdgeProcess(std::unique_ptr<keyward::testing::ChildProcess> process, int port)
      : process_(std::move(process)), port_(port) {}

  std::unique_ptr<keyward::testing::ChildProcess> process_;
  const int port_;
};

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_EDGE_PROCESS_H_
