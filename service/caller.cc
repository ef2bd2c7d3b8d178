#include "service/caller.h"

#include <utility>

#include "service/identity.h"
#include "service/request_id.h"

namespace keyward::service {

absl::StatusOr<Caller> IdentifyCaller(const grpc::ServerContextBase& context) {
  absl::StatusOr<std::string> identity =
      CallerIdentity(*context.auth_context());
  if (!identity.ok()) return identity.status();
  absl::StatusOr<std::string> request_id =
      RequestIdFromMetadata(context.client_metadata());
  if (!request_id.ok()) return request_id.status();
  return Caller{*std::move(identity), context.peer(), *std::move(request_id)};
}

}  // namespace keyward::service
