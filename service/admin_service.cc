#include "service/admin_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/caller.h"
#include "service/grpc_status.h"

namespace keyward::service {

AdminService::AdminService(KeystoreReloader* reloader, WorkPool* pool,
                           OperationMonitor* monitor,
                           std::vector<std::string> admin_identities)
    : reloader_(reloader),
      pool_(pool),
      monitor_(monitor),
      admin_identities_(std::move(admin_identities)) {}

grpc::ServerUnaryReactor* AdminService::Reload(
    grpc::CallbackServerContext* context, const v1::ReloadRequest*,
    v1::ReloadResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  OperationRecord record;
  record.operation = "Reload";
  record.time = absl::Now();
  absl::Status allowed = RecordCaller(*context, &record);
  if (allowed.ok() &&
      std::find(admin_identities_.begin(), admin_identities_.end(),
                record.identity) == admin_identities_.end()) {
    allowed = absl::PermissionDeniedError(
        "AdminService is limited to the configured admin_identities");
  }
  if (!allowed.ok()) {
    reactor->Finish(ToGrpcStatus(
        monitor_->Finish(record, std::move(allowed), std::nullopt)));
    return reactor;
  }
  pool_->Schedule([this, reactor, response,
                   record = std::move(record)]() mutable {
    absl::StatusOr<v1::ReloadResponse> reloaded = reloader_->Reload(
        absl::StrCat("AdminService.Reload by ", record.identity));
    if (reloaded.ok()) *response = *std::move(reloaded);
    reactor->Finish(ToGrpcStatus(
        monitor_->Finish(record, reloaded.status(), std::nullopt)));
  });
  return reactor;
}

}  // namespace keyward::service
