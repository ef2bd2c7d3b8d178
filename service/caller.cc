#include "service/caller.h"

#include <utility>

#include "service/identity.h"
#include "service/request_id.h"

namespace keyward::service {

absl::Status IdentifyCaller(const grpc::ServerContextBase& context,
                            Caller* caller) {
  caller->peer = context.peer();
  absl::StatusOr<std::string> identity =
      CallerIdentity(*context.auth_context());
  if (!identity.ok()) return identity.status();
  caller->identity = *std::move(identity);
  absl::StatusOr<std::string> request_id =
      RequestIdFromMetadata(context.client_metadata());
  if (!request_id.ok()) return request_id.status();
  caller->request_id = *std::move(request_id);
  return absl::OkStatus();
}

absl::Status RecordCaller(const grpc::ServerContextBase& context,
                          OperationRecord* record) {
  Caller caller;
  absl::Status identified = IdentifyCaller(context, &caller);
  record->peer = std::move(caller.peer);
  record->identity = std::move(caller.identity);
  record->request_id = std::move(caller.request_id);
  return identified;
}

}  // namespace keyward::service
