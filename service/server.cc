#include "service/server.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "service/server_config.h"
#include "service/server_credentials.h"

namespace keyward::service {

absl::StatusOr<std::unique_ptr<KeywardServer>> KeywardServer::Start(
    const config::ServerConfig& config, std::vector<grpc::Service*> services) {
  if (absl::Status valid = ValidateServerConfig(config); !valid.ok()) {
    return valid;
  }
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (config.has_tls()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> mtls =
        MutualTlsCredentials(config.tls());
    if (!mtls.ok()) return mtls.status();
    credentials = *std::move(mtls);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }

  // Both are process-wide switches read by every ServerBuilder.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  const config::LimitsConfig limits = LimitsWithDefaults(config.limits());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address(), credentials, &port);
  // A larger message fails with RESOURCE_EXHAUSTED before it is parsed.
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(limits.max_receive_message_bytes()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(limits.max_concurrent_streams()));
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address()));
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  return std::unique_ptr<KeywardServer>(
      new KeywardServer(std::move(server), port));
}

KeywardServer::KeywardServer(std::unique_ptr<grpc::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

KeywardServer::~KeywardServer() { Shutdown(absl::ZeroDuration()); }

void KeywardServer::Shutdown(absl::Duration grace) {
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

}  // namespace keyward::service
