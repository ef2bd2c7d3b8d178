// keyward_server: the Keyward key service.
//
//   keyward_server --config=FILE [--listen_address=HOST:PORT] ...
//
// Runs in the foreground and logs to stderr. Before anything else it makes
// itself undumpable and untraceable and sets up OpenSSL's secure heap for
// the private keys; then it loads the keystore (keystore.directory is
// required) and serves KeyService and AdminService. SIGHUP reloads the
// keystore and the client CA bundle (a broken one is reported and the old
// one keeps serving), and so does a change of the keystore's files when
// keystore.watch_interval_seconds is set; SIGINT or SIGTERM shut down
// gracefully.
#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "keystore/process_hardening.h"
#include "keystore/secure_heap.h"
#include "service/keystore_watch.h"
#include "service/keyward_services.h"
#include "service/log.h"
#include "service/server.h"
#include "service/server_config.h"
#include "third_party/absl_deadlock_detection.h"

ABSL_FLAG(std::string, config, "",
          "Configuration file (protobuf text format, see "
          "service/example_config.textproto).");
ABSL_FLAG(std::string, listen_address, "",
          "Overrides listen_address, e.g. 127.0.0.1:8443 or [::1]:0.");
ABSL_FLAG(std::string, keystore_dir, "",
          "Overrides keystore.directory (required in one or the other).");
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

// The secure heap holds the secret parts of every private key (a few KiB
// each); 1 MiB is room for hundreds of keys.
constexpr size_t kSecureHeapBytes = size_t{1} << 20;

// ProtectKeyMemory hardens the process and sets up the secure heap; both
// must happen before any key is loaded. False when the process must not go
// on.
bool ProtectKeyMemory() {
  if (absl::Status hardened = keystore::HardenProcess(); !hardened.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("process hardening: ", hardened.message()));
    return false;
  }
  absl::StatusOr<keystore::SecureHeapLock> heap =
      keystore::InitSecureHeap(kSecureHeapBytes);
  if (!heap.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("secure heap: ", heap.status().message()));
    return false;
  }
  if (*heap == keystore::SecureHeapLock::kNotLocked) {
    Log(LogLevel::kWarning,
        "secure heap: not locked in memory (raise RLIMIT_MEMLOCK); keys may "
        "be swapped out");
  }
  return true;
}

int Run() {
  if (!ProtectKeyMemory()) return 1;
  // Signals are taken synchronously by this thread; block them before any
  // other thread (the worker pool, gRPC) starts, so that they inherit the
  // mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A closed stderr or audit pipe must surface as a write error (which the
  // audit log reports, and fails closed on when configured), not kill the
  // process.
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<ServerConfig> config = LoadConfig();
  if (!config.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("configuration: ", config.status().message()));
    return 2;
  }
  // Configuration mistakes are reported before the keystore is read.
  if (absl::Status valid = ValidateServerConfig(*config); !valid.ok()) {
    Log(LogLevel::kError, absl::StrCat("configuration: ", valid.message()));
    return 2;
  }
  // The watch's first look is before the load, so that no change after it
  // is missed.
  const uint32_t watch_seconds = config->keystore().watch_interval_seconds();
  std::optional<KeystoreWatch> watch;
  if (watch_seconds > 0) watch.emplace(config->keystore().directory());
  absl::StatusOr<std::unique_ptr<KeywardServices>> services =
      KeywardServices::Create(*config);
  if (!services.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("keystore: ", services.status().message()));
    return 1;
  }
  const v1::ReloadResponse serving = (*services)->reloader().Serving();
  Log(LogLevel::kInfo,
      absl::StrCat("keystore: ", serving.key_count(), " keys from ",
                   config->keystore().directory(), " (generation ",
                   serving.generation(), ")"));
  absl::StatusOr<std::unique_ptr<KeywardServer>> server =
      KeywardServer::Start(*config, (*services)->services());
  if (!server.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("cannot start: ", server.status().message()));
    return 1;
  }
  Log(LogLevel::kInfo,
      absl::StrCat(
          "serving on ", config->listen_address(), " (port ", (*server)->port(),
          ", ", config->has_tls() ? "mutual TLS" : "plaintext, loopback only",
          "); keyward.v1.KeyService, AdminService; health: "
          "grpc.health.v1.Health; reflection on; SIGHUP reloads the keystore"));
  if ((*server)->health_port() != 0) {
    Log(LogLevel::kInfo, absl::StrCat("health checks without TLS on ",
                                      config->health_listen_address(),
                                      " (port ", (*server)->health_port(),
                                      "); grpc.health.v1.Health only"));
  }
  if ((*services)->metrics_port() != 0) {
    Log(LogLevel::kInfo,
        absl::StrCat("metrics: http://", config->metrics().listen_address(),
                     " (port ", (*services)->metrics_port(), ")/metrics"));
  }

  if (watch.has_value()) {
    KeystoreReloader* reloader = &(*services)->reloader();
    // Success and failure are both logged by the reloader.
    watch->Start(absl::Seconds(watch_seconds),
                 [reloader] { reloader->Reload("watch").IgnoreError(); });
    Log(LogLevel::kInfo,
        absl::StrCat("keystore: watching ", config->keystore().directory(),
                     " for changes every ", watch_seconds, "s"));
  }

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    // Success and failure are both logged by the reloader and the bundle.
    (*services)->reloader().Reload("SIGHUP").IgnoreError();
    (*server)->ReloadClientCas().IgnoreError();
  }
  Log(LogLevel::kInfo, absl::StrCat("received ", strsignal(signal_number),
                                    "; draining for up to ",
                                    config->shutdown_grace_seconds(), "s"));
  // The watch reloads through the services: it stops before they go.
  if (watch.has_value()) watch->Stop();
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
  keyward::TurnOffAbslDeadlockDetection();
  return keyward::service::Run();
}
