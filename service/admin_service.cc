#include "service/admin_service.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "service/grpc_status.h"
#include "service/identity.h"

namespace keyward::service {

AdminService::AdminService(KeystoreReloader* reloader, WorkPool* pool,
                           std::vector<std::string> admin_identities)
    : reloader_(reloader),
      pool_(pool),
      admin_identities_(std::move(admin_identities)) {}

grpc::ServerUnaryReactor* AdminService::Reload(
    grpc::CallbackServerContext* context, const v1::ReloadRequest*,
    v1::ReloadResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> identity =
      CallerIdentity(*context->auth_context());
  if (!identity.ok()) {
    reactor->Finish(ToGrpcStatus(identity.status()));
    return reactor;
  }
  if (std::find(admin_identities_.begin(), admin_identities_.end(),
                *identity) == admin_identities_.end()) {
    reactor->Finish(ToGrpcStatus(absl::PermissionDeniedError(
        "AdminService is limited to the configured admin_identities")));
    return reactor;
  }
  pool_->Schedule([this, reactor, response, who = *std::move(identity)] {
    absl::StatusOr<v1::ReloadResponse> reloaded =
        reloader_->Reload(absl::StrCat("AdminService.Reload by ", who));
    if (reloaded.ok()) *response = *std::move(reloaded);
    reactor->Finish(ToGrpcStatus(reloaded.status()));
  });
  return reactor;
}

}  // namespace keyward::service
