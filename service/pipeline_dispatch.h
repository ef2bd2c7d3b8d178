#ifndef KEYWARD_SERVICE_PIPELINE_DISPATCH_H_
#define KEYWARD_SERVICE_PIPELINE_DISPATCH_H_

#include <string>

#include "keyward/v1/key_service.pb.h"
#include "service/operations.h"

namespace keyward::service {

// RunPipelineRequest runs the one operation `request` carries with the same
// function its unary RPC uses, and returns the response: request_id echoed,
// status OK with the result set, or the operation's error status with no
// result. A request without an operation gets INVALID_ARGUMENT naming
// "operation". Never fails as a whole.
v1::PipelineResponse RunPipelineRequest(const v1::PipelineRequest& request,
                                        const OperationContext& context);

// PipelineOperation names the operation `request` carries as the audit log
// and metrics do: "Sign", "DecryptPreMaster", "RsaKeyExchange",
// "DeriveSessionKeys", "GetKey", or "" when none is set.
std::string PipelineOperation(const v1::PipelineRequest& request);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_PIPELINE_DISPATCH_H_
