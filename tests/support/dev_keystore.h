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

// KeyBackend: where the dev keystore's server keys live.
enum class KeyBackend {
  kFile,    // PEM files, as scripts/gen-dev-keystore writes them
  kPkcs11,  // a SoftHSM2 token of this process (see MakeDevKeystore)
};

// KeyBackendName: "file" or "pkcs11" (for test parameter names).
std::string KeyBackendName(KeyBackend backend);

// MakeDevKeystore runs the project's generator (a runfile of the test) into
// a fresh folder `name` under $TEST_TMPDIR. With KeyBackend::kPkcs11 the
// five server keys and their leaf certificates are then imported into a
// fresh SoftHSM2 token of this process, labelled "dev-<name>" (object
// label = key name), and the manifest names them by PKCS #11 URIs instead:
// pkcs11_uri for the key, certificate_pkcs11_uri for the leaf with
// certificate_chain_file "ca/ca.crt" for the rest, and a pkcs11_token entry
// whose pin_file is "pkcs11.pin". The key files stay on disk (unused by the
// manifest), so a test can compare with them. The keystore must then be
// loaded in this process (SoftHSM keeps tokens per process). Internal on
// failure.
absl::StatusOr<DevKeystore> MakeDevKeystore(
    const std::string& name, KeyBackend backend = KeyBackend::kFile);

// RunfilePath is the absolute path of a file of this workspace in the
// test's runfiles, e.g. RunfilePath("service/keyward_server").
std::string RunfilePath(const std::string& workspace_relative);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_DEV_KEYSTORE_H_
