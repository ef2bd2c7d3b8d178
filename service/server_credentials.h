#ifndef KEYWARD_SERVICE_SERVER_CREDENTIALS_H_
#define KEYWARD_SERVICE_SERVER_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "service/server_config.pb.h"

namespace keyward::service {

// MutualTlsCredentials checks the endpoint's certificate chain and key
// named by `tls` and returns credentials that require and verify a client
// certificate on every connection, against the CA bundle in
// `client_ca_file` (ClientCaBundle::staged_path()). The files are watched
// and re-read every tls.reload_interval_seconds (see server_config.proto).
// NotFound naming the file when one cannot be read; InvalidArgument naming
// the file when it holds no PEM block of the expected kind.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const config::TlsConfig& tls, const std::string& client_ca_file);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SERVER_CREDENTIALS_H_
