#include "clients/edge/testing/edge_process.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace keyward::edge::testing {
namespace {

using ::keyward::testing::ChildProcess;
using ::keyward::testing::PortAfter;

// kStartTimeout: generous; opening the keys takes milliseconds.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);

}  // namespace

std::string ProviderModulePath() {
  return keyward::testing::RunfilePath("clients/openssl_provider/keyward.so");
}

void WriteOpenSslConfig(const std::string& path,
                        const ProviderSettingsFor& settings) {
  std::ofstream(path) << "openssl_conf = keyless\n"
                      << "[keyless]\n"
                      << "providers = providers\n"
                      << "[providers]\n"
                      << "default = default_section\n"
                      << "keyward = keyward_section\n"
                      << "[default_section]\n"
                      << "activate = 1\n"
                      << "[keyward_section]\n"
                      << "module = " << ProviderModulePath() << "\n"
                      << "endpoint = " << settings.endpoint << "\n"
                      << "ca = " << settings.keystore->ca_cert() << "\n"
                      << "cert = " << settings.keystore->client_cert('a')
                      << "\n"
                      << "key = " << settings.keystore->client_key('a') << "\n"
                      << "timeout = " << settings.timeout << "\n"
                      << "activate = 1\n";
}

absl::StatusOr<std::unique_ptr<EdgeProcess>> EdgeProcess::Start(
    const std::string& openssl_config, const std::vector<EdgeSite>& sites,
    const std::vector<std::string>& extra_flags) {
  std::vector<std::string> site_flags;
  for (const EdgeSite& site : sites) {
    site_flags.push_back(absl::StrCat(site.chain_file, "=", site.key_uri));
  }
  std::vector<std::string> argv = {
      keyward::testing::RunfilePath("clients/edge/keyward_edge"),
      "--openssl_config=" + openssl_config, "--listen_address=127.0.0.1:0",
      "--sites=" + absl::StrJoin(site_flags, ",")};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(argv, std::vector<std::string>{});  // No environment.
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> serving =
      (*process)->WaitForLine("serving on", kStartTimeout);
  if (!serving.ok()) return serving.status();
  absl::StatusOr<int> port = PortAfter(*serving, "(port ");
  if (!port.ok()) return port.status();
  return std::unique_ptr<EdgeProcess>(
      new EdgeProcess(*std::move(process), *port));
}

}  // namespace keyward::edge::testing
