#ifndef KEYWARD_SERVICE_KEYWARD_SERVICES_H_
#define KEYWARD_SERVICE_KEYWARD_SERVICES_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/impl/service_type.h"
#include "keystore/keystore_holder.h"
#include "service/admin_service.h"
#include "service/admission.h"
#include "service/audit_log.h"
#include "service/key_service.h"
#include "service/keystore_reloader.h"
#include "service/metrics.h"
#include "service/operation_monitor.h"
#include "service/server_config.pb.h"
#include "service/work_pool.h"

namespace keyward::service {

// KeywardServices is everything the data plane serves, wired from the
// configuration: the keystore (loaded from keystore.directory), the
// accounting of operations (admission limits, audit log, metrics), the
// worker pool, KeyService and AdminService. keyward_server_main.cc and the
// integration tests build it the same way and hand services() to
// KeywardServer::Start.
class KeywardServices {
 public:
  // Create loads the keystore (load warnings are logged), opens the audit
  // log and starts the metrics endpoint. InvalidArgument when
  // keystore.directory is empty; the keystore's error (naming the file and
  // the reason) when it does not load; the audit log's or the metrics
  // endpoint's error when they cannot be opened.
  static absl::StatusOr<std::unique_ptr<KeywardServices>> Create(
      const config::ServerConfig& config);

  // The server using services() must be shut down before this is
  // destroyed.
  ~KeywardServices();

  KeywardServices(const KeywardServices&) = delete;
  KeywardServices& operator=(const KeywardServices&) = delete;

  // services lists the gRPC services to register (not owned by the caller).
  std::vector<grpc::Service*> services();

  // reloader performs SIGHUP reloads; thread-safe.
  KeystoreReloader& reloader() { return reloader_; }

  // metrics_port is the bound port of the metrics endpoint; 0 when none.
  int metrics_port() const { return metrics_->port(); }

 private:
  KeywardServices(std::unique_ptr<keystore::KeystoreHolder> keystore,
                  std::unique_ptr<Metrics> metrics,
                  std::unique_ptr<AuditLog> audit,
                  const config::ServerConfig& config,
                  const config::LimitsConfig& limits);

  const std::unique_ptr<keystore::KeystoreHolder> keystore_;
  const std::unique_ptr<Metrics> metrics_;
  const std::unique_ptr<AuditLog> audit_;
  AdmissionControl admission_;
  OperationMonitor monitor_;
  WorkPool pool_;
  KeystoreReloader reloader_;
  KeyService key_service_;
  AdminService admin_service_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEYWARD_SERVICES_H_
