#ifndef KEYWARD_SERVICE_ADMIN_SERVICE_H_
#define KEYWARD_SERVICE_ADMIN_SERVICE_H_

#include <string>
#include <vector>

#include "keyward/v1/admin_service.grpc.pb.h"
#include "service/keystore_reloader.h"
#include "service/operation_monitor.h"
#include "service/work_pool.h"

namespace keyward::service {

// AdminService implements keyward.v1.AdminService. Only callers whose
// identity (identity.h) equals one of `admin_identities` exactly may call
// it: anyone else gets PERMISSION_DENIED, a caller without identity
// UNAUTHENTICATED. Every call, refused or not, is finished through
// `monitor` as operation "Reload": audited with the caller and counted in
// the metrics. With a fail-closed audit log that cannot be written, the
// caller gets UNAVAILABLE even though the keystore was reloaded (the server
// log still says so). Reload reads files, so it runs on `pool`, not on a
// gRPC thread. Thread-safe.
class AdminService final : public v1::AdminService::CallbackService {
 public:
  // `reloader`, `pool` and `monitor` are not owned and must outlive the
  // server.
  AdminService(KeystoreReloader* reloader, WorkPool* pool,
               OperationMonitor* monitor,
               std::vector<std::string> admin_identities);

  grpc::ServerUnaryReactor* Reload(grpc::CallbackServerContext* context,
                                   const v1::ReloadRequest* request,
                                   v1::ReloadResponse* response) override;

 private:
  KeystoreReloader* const reloader_;
  WorkPool* const pool_;
  OperationMonitor* const monitor_;
  const std::vector<std::string> admin_identities_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_ADMIN_SERVICE_H_
