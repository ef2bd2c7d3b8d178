#ifndef KEYWARD_SERVICE_ADMIN_SERVICE_H_
#define KEYWARD_SERVICE_ADMIN_SERVICE_H_

#include <string>
#include <vector>

#include "keyward/v1/admin_service.grpc.pb.h"
#include "service/keystore_reloader.h"
#include "service/work_pool.h"

namespace keyward::service {

// AdminService implements keyward.v1.AdminService. Only callers whose
// identity (identity.h) equals one of `admin_identities` exactly may call
// it: anyone else gets PERMISSION_DENIED, a caller without identity
// UNAUTHENTICATED. Reload reads files, so it runs on `pool`, not on a gRPC
// thread. Thread-safe.
class AdminService final : public v1::AdminService::CallbackService {
 public:
  // `reloader` and `pool` are not owned and must outlive the server.
  AdminService(KeystoreReloader* reloader, WorkPool* pool,
               std::vector<std::string> admin_identities);

  grpc::ServerUnaryReactor* Reload(grpc::CallbackServerContext* context,
                                   const v1::ReloadRequest* request,
                                   v1::ReloadResponse* response) override;

 private:
  KeystoreReloader* const reloader_;
  WorkPool* const pool_;
  const std::vector<std::string> admin_identities_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_ADMIN_SERVICE_H_
