#include "service/server.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/server_config.h"
#include "service/server_credentials.h"

namespace keyward::service {
namespace {

constexpr int kMaxPingStrikes = 2;
constexpr int kKeepaliveTimeMs = 60 * 1000;
constexpr int kKeepaliveTimeoutMs = 20 * 1000;

// WithoutReflection keeps the process-wide reflection plugin off one
// server: the plaintext health listener answers health checks only, and
// does not describe the API to unauthenticated callers. (Adding the plugin
// to the data plane's builder alone is not possible: linking gRPC's
// reflection library registers it for every server of the process.)
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->erase(
        std::remove_if(
            plugins->begin(), plugins->end(),
            [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
              return dynamic_cast<
                         grpc::reflection::ProtoServerReflectionPlugin*>(
                         plugin.get()) != nullptr;
            }),
        plugins->end());
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<KeywardServer>> KeywardServer::Start(
    const config::ServerConfig& config, std::vector<grpc::Service*> services) {
  if (absl::Status valid = ValidateServerConfig(config); !valid.ok()) {
    return valid;
  }
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::unique_ptr<ClientCaBundle> client_cas;
  if (config.has_tls()) {
    const uint32_t interval = config.tls().reload_interval_seconds();
    absl::StatusOr<std::unique_ptr<ClientCaBundle>> bundle =
        ClientCaBundle::Create(
            config.tls().client_ca_file(),
            absl::Seconds(interval == 0 ? kDefaultTlsReloadIntervalSeconds
                                        : interval));
    if (!bundle.ok()) return bundle.status();
    client_cas = *std::move(bundle);
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> mtls =
        MutualTlsCredentials(config.tls(), client_cas->staged_path());
    if (!mtls.ok()) return mtls.status();
    credentials = *std::move(mtls);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }

  // A process-wide switch read by every ServerBuilder.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const std::vector<std::string> health_names = {
      v1::KeyService::service_full_name(),
      v1::AdminService::service_full_name()};
  auto health = std::make_unique<HealthService>(health_names);

  const config::LimitsConfig limits = LimitsWithDefaults(config.limits());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address(), credentials, &port);
  // A larger message fails with RESOURCE_EXHAUSTED before it is parsed.
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(limits.max_receive_message_bytes()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(limits.max_concurrent_streams()));
  // Keepalive enforcement: a client that pings more often than allowed gets
  // GOAWAY after kMaxPingStrikes strikes. The server itself probes quiet
  // connections so that dead peers release their streams.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      static_cast<int>(limits.min_client_ping_interval_ms()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, kMaxPingStrikes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             kKeepaliveTimeoutMs);
  // Idle connections are closed.
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_IDLE_MS,
      static_cast<int>(std::min<uint64_t>(
          uint64_t{limits.max_connection_idle_seconds()} * 1000,
          std::numeric_limits<int>::max())));
  for (grpc::Service* service : services) builder.RegisterService(service);
  builder.RegisterService(health.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address()));
  }
  HealthListener health_listener;
  if (!config.health_listen_address().empty()) {
    absl::StatusOr<HealthListener> started =
        StartHealthListener(config.health_listen_address(), health_names);
    if (!started.ok()) return started.status();
    health_listener = *std::move(started);
    health_listener.health->SetServing(true);
  }
  health->SetServing(true);
  return std::unique_ptr<KeywardServer>(
      new KeywardServer(std::move(client_cas), std::move(health),
                        std::move(server), port, std::move(health_listener)));
}

absl::StatusOr<KeywardServer::HealthListener>
KeywardServer::StartHealthListener(const std::string& address,
                                   const std::vector<std::string>& services) {
  HealthListener listener;
  listener.health = std::make_unique<HealthService>(services);
  grpc::ServerBuilder builder;
  // A port that something else holds is an error, not shared.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(),
                           &listener.port);
  builder.RegisterService(listener.health.get());
  builder.SetOption(std::make_unique<WithoutReflection>());
  listener.server = builder.BuildAndStart();
  if (listener.server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " (health_listen_address)"));
  }
  return listener;
}

KeywardServer::KeywardServer(std::unique_ptr<ClientCaBundle> client_cas,
                             std::unique_ptr<HealthService> health,
                             std::unique_ptr<grpc::Server> server, int port,
                             HealthListener health_listener)
    : client_cas_(std::move(client_cas)),
      health_(std::move(health)),
      server_(std::move(server)),
      port_(port),
      health_listener_(std::move(health_listener)) {}

KeywardServer::~KeywardServer() { Shutdown(absl::ZeroDuration()); }

absl::Status KeywardServer::ReloadClientCas() {
  return client_cas_ == nullptr ? absl::OkStatus() : client_cas_->Refresh();
}

void KeywardServer::Shutdown(absl::Duration grace) {
  const absl::Time deadline = absl::Now() + grace;
  health_->Shutdown();
  if (health_listener_.server != nullptr) health_listener_.health->Shutdown();
  server_->Shutdown(absl::ToChronoTime(deadline));
  server_->Wait();
  // Within the same grace, so that the health listener's Watch streams,
  // which its HealthService has just ended, deliver their final status.
  if (health_listener_.server != nullptr) {
    health_listener_.server->Shutdown(absl::ToChronoTime(deadline));
    health_listener_.server->Wait();
  }
}

}  // namespace keyward::service
