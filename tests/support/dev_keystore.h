#ifndef KEYWARD_TESTS_SUPPORT_DEV_KEYSTORE_H_
#define KEYWARD_TESTS_SUPPORT_DEV_KEYSTORE_H_

#include <string>

#include "absl/status/statusor.h"

namespace keyward::testing {

// DevKeystore names the files made by scripts/gen-dev-keystore.
struct DevKeystore {
  std::string dir;
  std::string ca_cert() const { return dir + "/ca/ca.crt"; }
  std::string server_cert() const { return dir + "/endpoint/server.crt"; }
  std::string server_key() const { return dir + "/endpoint/server.key"; }
  std::string client_cert(char edge) const {
    return dir + "/clients/edge-" + edge + ".crt";
  }
  std::string client_key(char edge) const {
    return dir + "/clients/edge-" + edge + ".key";
  }
};

// MakeDevKeystore runs the project's generator (a runfile of the test) into
// a fresh folder `name` under $TEST_TMPDIR. Internal on failure.
absl::StatusOr<DevKeystore> MakeDevKeystore(const std::string& name);

// RunfilePath is the absolute path of a file of this workspace in the
// test's runfiles, e.g. RunfilePath("service/keyward_server").
std::string RunfilePath(const std::string& workspace_relative);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_DEV_KEYSTORE_H_
