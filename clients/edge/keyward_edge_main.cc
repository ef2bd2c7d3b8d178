// keyward_edge: a small HTTPS server whose private keys stay in the Keyward
// key service.
//
//   keyward_edge --openssl_config=FILE
//     --sites=CHAIN_PEM=KEY_URI[,CHAIN_PEM=KEY_URI...] [--listen_address=...]
//
// Every site is a certificate chain file and the URI of its key, opened
// with OSSL_STORE in a library context configured by --openssl_config,
// which must load OpenSSL's default provider and, after it, the keyward
// provider (keyward.so) with its settings, e.g.
//
//   openssl_conf = edge
//   [edge]
//   providers = providers
//   [providers]
//   default = default_section
//   keyward = keyward_section
//   [default_section]
//   activate = 1
//   [keyward_section]
//   module = /path/to/keyward.so
//   endpoint = 127.0.0.1:8443
//   ca = /path/to/ca.crt
//   cert = /path/to/edge.crt
//   key = /path/to/edge.key
//   timeout = 2s
//   activate = 1
//
// (the "key" there is the edge's client credential for the key service, not
// a site key). The SNI host name chooses the site (see SniRouter); the
// first site serves clients that send no name or a name no site covers.
// Runs in the foreground, logs to stderr, stops on SIGINT or SIGTERM.
#include <signal.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/edge/https_server.h"
#include "clients/edge/log.h"
#include "clients/edge/openssl_errors.h"
#include "clients/edge/site.h"
#include "clients/edge/sni_router.h"
#include "clients/openssl_provider/openssl_ptr.h"
#include "third_party/absl_deadlock_detection.h"

ABSL_FLAG(std::string, openssl_config, "",
          "OpenSSL configuration file loaded into the edge's library "
          "context: the default and keyward providers (required).");
ABSL_FLAG(std::vector<std::string>, sites, {},
          "Comma-separated CHAIN_PEM=KEY_URI pairs, e.g. "
          "/etc/edge/www.pem=keyward:host=www.example.test (required).");
ABSL_FLAG(std::string, listen_address, "127.0.0.1:8443",
          "host:port to listen on; port 0 picks a free port.");
ABSL_FLAG(std::string, response_body, "Hello from a keyless edge\n",
          "Body of the response to every request.");
ABSL_FLAG(absl::Duration, io_timeout, absl::Seconds(10),
          "Limit on a connection's handshake and each read and write.");
ABSL_FLAG(int, max_connections, 64,
          "Connections served at once (one thread each); one more is closed "
          "on arrival, and logged.");

namespace keyward::edge {
namespace {

int Run() {
  const std::string config = absl::GetFlag(FLAGS_openssl_config);
  const std::vector<std::string> site_flags = absl::GetFlag(FLAGS_sites);
  if (config.empty() || site_flags.empty()) {
    Log("--openssl_config and --sites are required (see --help)");
    return 2;
  }
  openssl::LibCtxPtr libctx(OSSL_LIB_CTX_new());
  if (libctx == nullptr ||
      OSSL_LIB_CTX_load_config(libctx.get(), config.c_str()) != 1) {
    Log(absl::StrCat("cannot load ", config, ": ", TakeOpenSslErrors()));
    return 1;
  }
  std::vector<std::unique_ptr<Site>> sites;
  for (const std::string& flag : site_flags) {
    const size_t equals = flag.find('=');
    if (equals == std::string::npos) {
      Log(absl::StrCat("--sites: \"", flag, "\" is not CHAIN_PEM=KEY_URI"));
      return 2;
    }
    const std::string chain = flag.substr(0, equals);
    const std::string key_uri = flag.substr(equals + 1);
    absl::StatusOr<std::unique_ptr<Site>> site =
        Site::Create(libctx.get(), chain, key_uri);
    if (!site.ok()) {
      Log(absl::StrCat("site ", chain, ": ", site.status().message()));
      return 1;
    }
    Log(absl::StrCat("site ", (*site)->name(), ": ", chain, ", key ", key_uri));
    sites.push_back(*std::move(site));
  }
  SniRouter router(std::move(sites));

  // Signals are taken by sigwait below; block them before any thread
  // starts so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  HttpsServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen_address);
  options.response_body = absl::GetFlag(FLAGS_response_body);
  options.io_timeout = absl::GetFlag(FLAGS_io_timeout);
  options.max_connections = absl::GetFlag(FLAGS_max_connections);
  absl::StatusOr<std::unique_ptr<HttpsServer>> server =
      HttpsServer::Start(options, &router);
  if (!server.ok()) {
    Log(absl::StrCat("cannot start: ", server.status().message()));
    return 1;
  }
  Log(absl::StrCat("serving on ", options.listen_address, " (port ",
                   (*server)->port(), ")"));
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(absl::StrCat("received ", strsignal(signal_number), "; stopping"));
  (*server)->Stop();
  Log("stopped");
  return 0;
}

}  // namespace
}  // namespace keyward::edge

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Keyless HTTPS edge. Usage: keyward_edge --openssl_config=FILE "
      "--sites=CHAIN_PEM=KEY_URI,...");
  absl::ParseCommandLine(argc, argv);
  keyward::TurnOffAbslDeadlockDetection();
  return keyward::edge::Run();
}
