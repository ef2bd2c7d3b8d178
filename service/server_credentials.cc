#include "service/server_credentials.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "service/server_config.h"

namespace keyward::service {
namespace {

// Reads a PEM file and checks that it holds a block whose type ends with
// `kind` ("CERTIFICATE", "PRIVATE KEY").
absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view field,
                                    absl::string_view kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(field, ": cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!absl::StrContains(text.str(), absl::StrCat(kind, "-----"))) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", path, " holds no PEM ", kind));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const config::TlsConfig& tls, const std::string& client_ca_file) {
  absl::StatusOr<std::string> chain =
      ReadPem(tls.server_cert_file(), "tls.server_cert_file", "CERTIFICATE");
  if (!chain.ok()) return chain.status();
  absl::StatusOr<std::string> key =
      ReadPem(tls.server_key_file(), "tls.server_key_file", "PRIVATE KEY");
  if (!key.ok()) return key.status();

  // The files were checked above so that a mistake is reported at start-up;
  // gRPC's watcher reads them itself from now on.
  auto files =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          tls.server_key_file(), tls.server_cert_file(), client_ca_file,
          tls.reload_interval_seconds() == 0
              ? kDefaultTlsReloadIntervalSeconds
              : tls.reload_interval_seconds());
  grpc::experimental::TlsServerCredentialsOptions options(std::move(files));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace keyward::service
