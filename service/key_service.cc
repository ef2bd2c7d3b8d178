#include "service/key_service.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "service/grpc_status.h"
#include "service/identity.h"
#include "service/operations.h"
#include "service/pipeline_reactor.h"

namespace keyward::service {

KeyService::KeyService(const keystore::KeystoreHolder* keystore, WorkPool* pool,
                       KeyServiceOptions options)
    : keystore_(keystore), pool_(pool), options_(options) {
  SetMessageAllocatorFor_DecryptPreMaster(&decrypt_allocator_);
  SetMessageAllocatorFor_RsaKeyExchange(&key_exchange_allocator_);
  SetMessageAllocatorFor_DeriveSessionKeys(&session_keys_allocator_);
}

template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* KeyService::Serve(
    grpc::CallbackServerContext* context, const Request& request,
    Response* response, Operation operation) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> identity =
      CallerIdentity(*context->auth_context());
  if (!identity.ok()) {
    reactor->Finish(ToGrpcStatus(identity.status()));
    return reactor;
  }
  const OperationContext operation_context{keystore_->Current(),
                                           *std::move(identity), absl::Now(),
                                           CallGuard::ForCall(context)};
  absl::StatusOr<Response> result = operation(request, operation_context);
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

grpc::ServerUnaryReactor* KeyService::ListKeys(
    grpc::CallbackServerContext* context, const v1::ListKeysRequest* request,
    v1::ListKeysResponse* response) {
  return Serve(context, *request, response, RunListKeys);
}

grpc::ServerUnaryReactor* KeyService::GetKey(
    grpc::CallbackServerContext* context, const v1::GetKeyRequest* request,
    v1::GetKeyResponse* response) {
  return Serve(context, *request, response, RunGetKey);
}

grpc::ServerUnaryReactor* KeyService::Sign(grpc::CallbackServerContext* context,
                                           const v1::SignRequest* request,
                                           v1::SignResponse* response) {
  return Serve(context, *request, response, RunSign);
}

grpc::ServerUnaryReactor* KeyService::DecryptPreMaster(
    grpc::CallbackServerContext* context,
    const v1::DecryptPreMasterRequest* request,
    v1::DecryptPreMasterResponse* response) {
  return Serve(context, *request, response, RunDecryptPreMaster);
}

grpc::ServerUnaryReactor* KeyService::RsaKeyExchange(
    grpc::CallbackServerContext* context,
    const v1::RsaKeyExchangeRequest* request,
    v1::RsaKeyExchangeResponse* response) {
  return Serve(context, *request, response, RunRsaKeyExchange);
}

grpc::ServerUnaryReactor* KeyService::DeriveSessionKeys(
    grpc::CallbackServerContext* context,
    const v1::DeriveSessionKeysRequest* request,
    v1::DeriveSessionKeysResponse* response) {
  return Serve(context, *request, response, RunDeriveSessionKeys);
}

grpc::ServerBidiReactor<v1::PipelineRequest, v1::PipelineResponse>*
KeyService::Pipeline(grpc::CallbackServerContext* context) {
  return new PipelineReactor(context, keystore_, pool_,
                             options_.max_outstanding_per_stream,
                             CallerIdentity(*context->auth_context()));
}

}  // namespace keyward::service
