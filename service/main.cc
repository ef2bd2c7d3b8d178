// keyward_server: the Keyward key service.
//
//   keyward_server --config=FILE [--listen_address=HOST:PORT] ...
//
// Runs in the foreground, logs to stderr, and shuts down gracefully on
// SIGINT or SIGTERM.
#include <signal.h>

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "service/log.h"
#include "service/server.h"
#include "service/server_config.h"

ABSL_FLAG(std::string, config, "",
          "Configuration file (protobuf text format, see "
          "service/example_config.textproto).");
ABSL_FLAG(std::string, listen_address, "",
          "Overrides listen_address, e.g. 127.0.0.1:8443 or [::1]:0.");
ABSL_FLAG(std::string, keystore_dir, "", "Overrides keystore.directory.");
ABSL_FLAG(std::string, tls_cert, "", "Overrides tls.server_cert_file.");
ABSL_FLAG(std::string, tls_key, "", "Overrides tls.server_key_file.");
ABSL_FLAG(std::string, client_ca, "", "Overrides tls.client_ca_file.");

namespace keyward::service {
namespace {

using config::ServerConfig;

absl::StatusOr<ServerConfig> LoadConfig() {
  absl::StatusOr<ServerConfig> config =
      absl::GetFlag(FLAGS_config).empty()
          ? ParseServerConfig("")
          : ReadServerConfigFile(absl::GetFlag(FLAGS_config));
  if (!config.ok()) return config;
  auto override_with = [](const std::string& flag, auto setter) {
    if (!flag.empty()) setter(flag);
  };
  override_with(absl::GetFlag(FLAGS_listen_address),
                [&](const std::string& v) { config->set_listen_address(v); });
  override_with(absl::GetFlag(FLAGS_keystore_dir), [&](const std::string& v) {
    config->mutable_keystore()->set_directory(v);
  });
  override_with(absl::GetFlag(FLAGS_tls_cert), [&](const std::string& v) {
    config->mutable_tls()->set_server_cert_file(v);
  });
  override_with(absl::GetFlag(FLAGS_tls_key), [&](const std::string& v) {
    config->mutable_tls()->set_server_key_file(v);
  });
  override_with(absl::GetFlag(FLAGS_client_ca), [&](const std::string& v) {
    config->mutable_tls()->set_client_ca_file(v);
  });
  return config;
}

int Run() {
  // Signals are taken synchronously by this thread; block them before gRPC
  // starts its threads so that they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<ServerConfig> config = LoadConfig();
  if (!config.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("configuration: ", config.status().message()));
    return 2;
  }
  absl::StatusOr<std::unique_ptr<KeywardServer>> server =
      KeywardServer::Start(*config, {});
  if (!server.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("cannot start: ", server.status().message()));
    return 1;
  }
  Log(LogLevel::kInfo,
      absl::StrCat(
          "serving on ", config->listen_address(), " (port ", (*server)->port(),
          ", ", config->has_tls() ? "mutual TLS" : "plaintext, loopback only",
          "); health: grpc.health.v1.Health; reflection on"));

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogLevel::kInfo, absl::StrCat("received ", strsignal(signal_number),
                                    "; draining for up to ",
                                    config->shutdown_grace_seconds(), "s"));
  (*server)->Shutdown(absl::Seconds(config->shutdown_grace_seconds()));
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace
}  // namespace keyward::service

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Keyward key service. Usage: keyward_server --config=FILE [overrides]");
  absl::ParseCommandLine(argc, argv);
  return keyward::service::Run();
}
