#include "service/keyward_services.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "service/server_config.h"

namespace keyward::service {

absl::StatusOr<std::unique_ptr<KeywardServices>> KeywardServices::Create(
    const config::ServerConfig& config) {
  if (config.keystore().directory().empty()) {
    return absl::InvalidArgumentError(
        "keystore.directory is empty: the service needs a keystore");
  }
  absl::StatusOr<std::unique_ptr<AuditLog>> audit =
      AuditLog::Open(config.audit());
  if (!audit.ok()) return audit.status();
  absl::StatusOr<std::unique_ptr<keystore::KeystoreHolder>> keystore =
      keystore::KeystoreHolder::Create(
          DirectoryLoader(config.keystore().directory()));
  if (!keystore.ok()) return keystore.status();
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Start(config.metrics());
  if (!metrics.ok()) return metrics.status();
  (*metrics)->SetKeystore(*(*keystore)->Current());
  return std::unique_ptr<KeywardServices>(new KeywardServices(
      *std::move(keystore), *std::move(metrics), *std::move(audit), config,
      LimitsWithDefaults(config.limits())));
}

KeywardServices::KeywardServices(
    std::unique_ptr<keystore::KeystoreHolder> keystore,
    std::unique_ptr<Metrics> metrics, std::unique_ptr<AuditLog> audit,
    const config::ServerConfig& config, const config::LimitsConfig& limits)
    : keystore_(std::move(keystore)),
      metrics_(std::move(metrics)),
      audit_(std::move(audit)),
      admission_(limits),
      monitor_(&admission_, audit_.get(), metrics_.get()),
      pool_(static_cast<int>(limits.worker_threads()),
            static_cast<int>(limits.inline_operations())),
      reloader_(keystore_.get(), metrics_.get()),
      key_service_(
          keystore_.get(), &pool_, &monitor_,
          KeyServiceOptions{limits.max_outstanding_per_stream()}),
      admin_service_(
          &reloader_, &pool_, &monitor_,
          std::vector<std::string>(config.admin_identities().begin(),
                                   config.admin_identities().end())) {}

KeywardServices::~KeywardServices() = default;

std::vector<grpc::Service*> KeywardServices::services() {
  return {&key_service_, &admin_service_};
}

}  // namespace keyward::service
