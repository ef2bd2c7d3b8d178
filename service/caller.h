#ifndef KEYWARD_SERVICE_CALLER_H_
#define KEYWARD_SERVICE_CALLER_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "service/operation_record.h"

namespace keyward::service {

// Caller is who made a call, as the audit log records it.
struct Caller {
  // From the verified client certificate (identity.h).
  std::string identity;
  // The peer address as gRPC names it, e.g. "ipv4:127.0.0.1:40312".
  std::string peer;
  // The caller's x-request-id metadata (request_id.h); may be empty.
  std::string request_id;
};

// IdentifyCaller establishes the caller of a call into `caller`: always
// the peer; then the identity, or Unauthenticated without one
// (CallerIdentity); then the request id, or InvalidArgument for a malformed
// x-request-id (RequestIdFromMetadata). What was established stays in
// `caller` even on error, so that the refusal can be audited with it.
// `context` is not retained.
absl::Status IdentifyCaller(const grpc::ServerContextBase& context,
                            Caller* caller);

// RecordCaller is IdentifyCaller into the caller fields of `record` (peer,
// identity, request_id), for a call audited as one operation.
absl::Status RecordCaller(const grpc::ServerContextBase& context,
                          OperationRecord* record);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_CALLER_H_
