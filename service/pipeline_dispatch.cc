#include "service/pipeline_dispatch.h"

#include <utility>

#include "service/field_checks.h"
#include "service/grpc_status.h"

namespace keyward::service {
namespace {

// Store puts an operation's outcome into `out`: the result in the field
// `mutable_result` returns, or the error status alone.
template <typename Response, typename MutableResult>
void Store(absl::StatusOr<Response> result, MutableResult mutable_result,
           v1::PipelineResponse* out) {
  *out->mutable_status() = ToProtoStatus(result.status());
  if (result.ok()) *(out->*mutable_result)() = *std::move(result);
}

}  // namespace

v1::PipelineResponse RunPipelineRequest(const v1::PipelineRequest& request,
                                        const OperationContext& context) {
  using R = v1::PipelineResponse;
  R out;
  out.set_request_id(request.request_id());
  switch (request.operation_case()) {
    case v1::PipelineRequest::kSign:
      Store(RunSign(request.sign(), context), &R::mutable_sign, &out);
      break;
    case v1::PipelineRequest::kDecryptPreMaster:
      Store(RunDecryptPreMaster(request.decrypt_pre_master(), context),
            &R::mutable_decrypt_pre_master, &out);
      break;
    case v1::PipelineRequest::kRsaKeyExchange:
      Store(RunRsaKeyExchange(request.rsa_key_exchange(), context),
            &R::mutable_rsa_key_exchange, &out);
      break;
    case v1::PipelineRequest::kDeriveSessionKeys:
      Store(RunDeriveSessionKeys(request.derive_session_keys(), context),
            &R::mutable_derive_session_keys, &out);
      break;
    case v1::PipelineRequest::kGetKey:
      Store(RunGetKey(request.get_key(), context), &R::mutable_get_key, &out);
      break;
    case v1::PipelineRequest::OPERATION_NOT_SET:
      *out.mutable_status() = ToProtoStatus(InvalidField(
          "operation",
          "required: set sign, decrypt_pre_master, rsa_key_exchange, "
          "derive_session_keys or get_key"));
      break;
  }
  return out;
}

std::string PipelineOperation(const v1::PipelineRequest& request) {
  switch (request.operation_case()) {
    case v1::PipelineRequest::kSign:
      return "Sign";
    case v1::PipelineRequest::kDecryptPreMaster:
      return "DecryptPreMaster";
    case v1::PipelineRequest::kRsaKeyExchange:
      return "RsaKeyExchange";
    case v1::PipelineRequest::kDeriveSessionKeys:
      return "DeriveSessionKeys";
    case v1::PipelineRequest::kGetKey:
      return "GetKey";
    case v1::PipelineRequest::OPERATION_NOT_SET:
      break;
  }
  return "";
}

}  // namespace keyward::service
