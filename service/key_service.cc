#include "service/key_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/caller.h"
#include "service/grpc_status.h"
#include "service/operations.h"
#include "service/pipeline_reactor.h"

namespace keyward::service {
namespace {

OperationRecord Named(const char* operation, std::string scheme = "") {
  OperationRecord record;
  record.operation = operation;
  record.scheme = std::move(scheme);
  return record;
}

}  // namespace

KeyService::KeyService(const keystore::KeystoreHolder* keystore, WorkPool* pool,
                       OperationMonitor* monitor, KeyServiceOptions options)
    : keystore_(keystore), pool_(pool), monitor_(monitor), options_(options) {
  SetMessageAllocatorFor_DecryptPreMaster(&decrypt_allocator_);
  SetMessageAllocatorFor_RsaKeyExchange(&key_exchange_allocator_);
  SetMessageAllocatorFor_DeriveSessionKeys(&session_keys_allocator_);
}

template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* KeyService::Serve(
    grpc::CallbackServerContext* context, const Request& request,
    Response* response, Operation operation, OperationRecord record) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  record.time = absl::Now();
  absl::Status admitted = RecordCaller(*context, &record);
  std::optional<AdmissionTicket> ticket;
  if (admitted.ok()) {
    absl::StatusOr<AdmissionTicket> admission =
        monitor_->Admit(record.identity);
    if (admission.ok()) {
      ticket.emplace(*std::move(admission));
    } else {
      admitted = admission.status();
    }
  }
  if (!admitted.ok()) {
    Complete(context, reactor, record, std::move(admitted), std::nullopt);
    return reactor;
  }
  // Admitted work runs on this thread or waits in the pool's queue, holding
  // its ticket, so the admission limits bound everything accepted and not
  // yet answered; the pool's inline limit keeps a gRPC thread free, so calls
  // beyond them are refused at once instead of queueing in gRPC.
  pool_->Run([this, context, reactor, &request, response, operation,
                   record = std::move(record),
                   ticket = std::move(ticket)]() mutable {
    OperationFacts facts;
    const OperationContext operation_context{
        keystore_->Current(), record.identity, record.time,
        CallGuard::ForCall(context), &facts};
    absl::StatusOr<Response> result = operation(request, operation_context);
    absl::Status status = result.status();
    if (result.ok()) *response = *std::move(result);
    record.key_id = std::move(facts.key_id);
    Complete(context, reactor, record, std::move(status), std::move(ticket));
  });
  return reactor;
}

void KeyService::Complete(grpc::CallbackServerContext* context,
                          grpc::ServerUnaryReactor* reactor,
                          OperationRecord& record, absl::Status status,
                          std::optional<AdmissionTicket> ticket) const {
  status = monitor_->Finish(record, std::move(status), std::move(ticket));
  if (std::optional<absl::Duration> retry = RetryAfter(status)) {
    context->AddTrailingMetadata(
        "grpc-retry-pushback-ms",
        absl::StrCat(absl::ToInt64Milliseconds(*retry)));
  }
  reactor->Finish(ToGrpcStatus(status));
}

grpc::ServerUnaryReactor* KeyService::ListKeys(
    grpc::CallbackServerContext* context, const v1::ListKeysRequest* request,
    v1::ListKeysResponse* response) {
  return Serve(context, *request, response, RunListKeys, Named("ListKeys"));
}

grpc::ServerUnaryReactor* KeyService::GetKey(
    grpc::CallbackServerContext* context, const v1::GetKeyRequest* request,
    v1::GetKeyResponse* response) {
  return Serve(context, *request, response, RunGetKey, Named("GetKey"));
}

grpc::ServerUnaryReactor* KeyService::Sign(grpc::CallbackServerContext* context,
                                           const v1::SignRequest* request,
                                           v1::SignResponse* response) {
  return Serve(context, *request, response, RunSign,
               Named("Sign", v1::SignatureScheme_Name(request->scheme())));
}

grpc::ServerUnaryReactor* KeyService::DecryptPreMaster(
    grpc::CallbackServerContext* context,
    const v1::DecryptPreMasterRequest* request,
    v1::DecryptPreMasterResponse* response) {
  return Serve(context, *request, response, RunDecryptPreMaster,
               Named("DecryptPreMaster"));
}

grpc::ServerUnaryReactor* KeyService::RsaKeyExchange(
    grpc::CallbackServerContext* context,
    const v1::RsaKeyExchangeRequest* request,
    v1::RsaKeyExchangeResponse* response) {
  return Serve(context, *request, response, RunRsaKeyExchange,
               Named("RsaKeyExchange"));
}

grpc::ServerUnaryReactor* KeyService::DeriveSessionKeys(
    grpc::CallbackServerContext* context,
    const v1::DeriveSessionKeysRequest* request,
    v1::DeriveSessionKeysResponse* response) {
  return Serve(context, *request, response, RunDeriveSessionKeys,
               Named("DeriveSessionKeys"));
}

grpc::ServerBidiReactor<v1::PipelineRequest, v1::PipelineResponse>*
KeyService::Pipeline(grpc::CallbackServerContext* context) {
  Caller caller;
  absl::Status identified = IdentifyCaller(*context, &caller);
  if (!identified.ok()) {
    // The stream ends before any request is read; its refusal is audited
    // like a refused unary call.
    OperationRecord record = Named("Pipeline");
    record.time = absl::Now();
    record.pipelined = true;
    record.peer = caller.peer;
    record.identity = caller.identity;
    identified = monitor_->Finish(record, std::move(identified), std::nullopt);
  }
  return new PipelineReactor(context, keystore_, pool_, monitor_,
                             options_.max_outstanding_per_stream,
                             std::move(caller), identified);
}

}  // namespace keyward::service
