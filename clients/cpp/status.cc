#include "clients/cpp/status.h"

#include <string>

namespace keyward::client {
namespace {

absl::Status MakeStatus(int code, const std::string& message) {
  if (code < 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    return absl::UnknownError(message);
  }
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return MakeStatus(static_cast<int>(status.error_code()),
                    status.error_message());
}

absl::Status FromProtoStatus(const v1::Status& status) {
  return MakeStatus(status.code(), status.message());
}

}  // namespace keyward::client
