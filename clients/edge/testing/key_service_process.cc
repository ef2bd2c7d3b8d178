#include "clients/edge/testing/key_service_process.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::edge::testing {
namespace {

using ::keyward::testing::ChildProcess;
using ::keyward::testing::PortAfter;

// kStartTimeout: generous; the server starts in well under a second.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);

}  // namespace

absl::StatusOr<std::unique_ptr<KeyServiceProcess>> KeyServiceProcess::Start(
    const keyward::testing::DevKeystore& keystore,
    const std::string& audit_path, int port) {
  const std::string config_path = audit_path + ".server.textproto";
  std::ofstream(config_path)
      << "listen_address: \"127.0.0.1:" << port << "\"\n"
      << "tls {\n"
      << "  server_cert_file: \"" << keystore.server_cert() << "\"\n"
      << "  server_key_file: \"" << keystore.server_key() << "\"\n"
      << "  client_ca_file: \"" << keystore.ca_cert() << "\"\n"
      << "}\n"
      << "keystore { directory: \"" << keystore.dir << "\" }\n"
      << "audit { path: \"" << audit_path << "\" }\n"
      << "shutdown_grace_seconds: 1\n";
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {keyward::testing::RunfilePath("service/keyward_server"),
       "--config=" + config_path},
      std::vector<std::string>{});  // No environment.
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> serving =
      (*process)->WaitForLine("serving on", kStartTimeout);
  if (!serving.ok()) return serving.status();
  absl::StatusOr<int> bound = PortAfter(*serving, "(port ");
  if (!bound.ok()) return bound.status();
  return std::unique_ptr<KeyServiceProcess>(
      new KeyServiceProcess(*std::move(process), *bound));
}

std::string KeyServiceProcess::endpoint() const {
  return absl::StrCat("127.0.0.1:", port_);
}

}  // namespace keyward::edge::testing
