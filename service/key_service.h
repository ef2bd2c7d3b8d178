#ifndef KEYWARD_SERVICE_KEY_SERVICE_H_
#define KEYWARD_SERVICE_KEY_SERVICE_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "keystore/keystore_holder.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/operation_monitor.h"
#include "service/operation_record.h"
#include "service/secret_cleansing.h"
#include "service/work_pool.h"

namespace keyward::service {

// KeyServiceOptions: the per-stream limit of the Pipeline (see
// PipelineReactor).
struct KeyServiceOptions {
  size_t max_outstanding_per_stream = 1024;
};

// KeyService implements keyward.v1.KeyService with gRPC's callback API.
// Each unary call takes the caller's identity from its client certificate
// (UNAUTHENTICATED without one) and its x-request-id (caller.h), is
// admitted by `monitor` (RESOURCE_EXHAUSTED over a limit, with the
// "grpc-retry-pushback-ms" trailer) on the gRPC thread, then takes a
// snapshot of the keystore and runs its operation (operations.h) through
// `pool`: on the gRPC thread itself while the pool has an inline slot free,
// else on a pool thread. gRPC is never out of threads to admit with (the
// slots stay below its callback threads), and admitted work that waits for
// a core holds its admission, so overload is refused at the door rather
// than queued. Its audit record and metrics go to `monitor`,
// and a result is returned only if the record was written or the audit log
// fails open. Pipeline streams run their operations on the same pool, each
// request admitted and recorded the same way. Messages that
// carry secrets are wiped after they are sent (secret_cleansing.h).
// Thread-safe; all methods may be called concurrently by gRPC.
class KeyService final : public v1::KeyService::CallbackService {
 public:
  // `keystore`, `pool` and `monitor` are not owned and must outlive the
  // server.
  KeyService(const keystore::KeystoreHolder* keystore, WorkPool* pool,
             OperationMonitor* monitor, KeyServiceOptions options);

  grpc::ServerUnaryReactor* ListKeys(grpc::CallbackServerContext* context,
                                     const v1::ListKeysRequest* request,
                                     v1::ListKeysResponse* response) override;
  grpc::ServerUnaryReactor* GetKey(grpc::CallbackServerContext* context,
                                   const v1::GetKeyRequest* request,
                                   v1::GetKeyResponse* response) override;
  grpc::ServerUnaryReactor* Sign(grpc::CallbackServerContext* context,
                                 const v1::SignRequest* request,
                                 v1::SignResponse* response) override;
  grpc::ServerUnaryReactor* DecryptPreMaster(
      grpc::CallbackServerContext* context,
      const v1::DecryptPreMasterRequest* request,
      v1::DecryptPreMasterResponse* response) override;
  grpc::ServerUnaryReactor* RsaKeyExchange(
      grpc::CallbackServerContext* context,
      const v1::RsaKeyExchangeRequest* request,
      v1::RsaKeyExchangeResponse* response) override;
  grpc::ServerUnaryReactor* DeriveSessionKeys(
      grpc::CallbackServerContext* context,
      const v1::DeriveSessionKeysRequest* request,
      v1::DeriveSessionKeysResponse* response) override;
  grpc::ServerBidiReactor<v1::PipelineRequest, v1::PipelineResponse>* Pipeline(
      grpc::CallbackServerContext* context) override;

 private:
  // Serve identifies and admits a unary call on the gRPC thread, then runs
  // `operation` through the pool (WorkPool::Run), which finishes the call.
  // `record` names the operation (and scheme); Serve fills in the rest.
  template <typename Request, typename Response, typename Operation>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const Request& request, Response* response,
                                  Operation operation,
                                  OperationRecord record) const;

  // Complete hands the answered call to the monitor (audit, metrics, the
  // ticket back), adds the retry hint of a refusal and finishes the call.
  void Complete(grpc::CallbackServerContext* context,
                grpc::ServerUnaryReactor* reactor, OperationRecord& record,
                absl::Status status,
                std::optional<AdmissionTicket> ticket) const;

  const keystore::KeystoreHolder* const keystore_;
  WorkPool* const pool_;
  OperationMonitor* const monitor_;
  const KeyServiceOptions options_;
  CleansingMessageAllocator<v1::DecryptPreMasterRequest,
                            v1::DecryptPreMasterResponse>
      decrypt_allocator_;
  CleansingMessageAllocator<v1::RsaKeyExchangeRequest,
                            v1::RsaKeyExchangeResponse>
      key_exchange_allocator_;
  CleansingMessageAllocator<v1::DeriveSessionKeysRequest,
                            v1::DeriveSessionKeysResponse>
      session_keys_allocator_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEY_SERVICE_H_
