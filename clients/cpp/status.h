#ifndef KEYWARD_CLIENTS_CPP_STATUS_H_
#define KEYWARD_CLIENTS_CPP_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "keyward/v1/types.pb.h"

namespace keyward::client {

// FromGrpcStatus maps a gRPC status to absl::Status with the same code
// (the two code spaces are identical) and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// FromProtoStatus does the same for the per-request status of a Pipeline
// response. An out-of-range code becomes UNKNOWN.
absl::Status FromProtoStatus(const v1::Status& status);

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_STATUS_H_
