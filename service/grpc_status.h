#ifndef KEYWARD_SERVICE_GRPC_STATUS_H_
#define KEYWARD_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "keyward/v1/types.pb.h"

namespace keyward::service {

// ToGrpcStatus converts an operation's outcome to the gRPC status of a unary
// call. absl and gRPC share the google.rpc.Code numbering, so the code is
// kept as is and the message copied (messages never hold secrets: see
// service/log.h).
grpc::Status ToGrpcStatus(const absl::Status& status);

// ToProtoStatus converts an operation's outcome to the keyward.v1.Status a
// Pipeline response carries: the same code and message ToGrpcStatus gives.
v1::Status ToProtoStatus(const absl::Status& status);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_GRPC_STATUS_H_
