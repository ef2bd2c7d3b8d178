#ifndef KEYWARD_SERVICE_PIPELINE_REACTOR_H_
#define KEYWARD_SERVICE_PIPELINE_REACTOR_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/server_callback.h"
#include "keystore/keystore_holder.h"
#include "keyward/v1/key_service.pb.h"
#include "service/call_guard.h"
#include "service/caller.h"
#include "service/mutex.h"
#include "service/operation_monitor.h"
#include "service/operation_record.h"
#include "service/work_pool.h"

namespace keyward::service {

// PipelineReactor serves one KeyService.Pipeline stream. It reads messages
// one after another, each a request or a batch of them, and runs each
// request on the WorkPool (RunPipelineRequest, the same operations as the
// unary RPCs; the last of a message through WorkPool::Run, so it may run on
// gRPC's thread). It writes the responses as they complete, in any order,
// one write in flight at a time; once the client has sent a batch, the
// responses that are ready when a write starts go out together (at most 256
// or about 64 KiB per message).
//
// Each request is admitted by the OperationMonitor (limits per server and
// per identity) before it is queued, and its audit record and metrics go to
// the monitor once it is answered; a request refused by a limit gets its own
// RESOURCE_EXHAUSTED response (with "retry after N ms" in the message).
//
// Limits: at most `max_outstanding` requests of the stream run or wait for
// the pool at once; a request beyond that is answered at once with its own
// RESOURCE_EXHAUSTED response. While `max_outstanding` responses wait to be
// written (a client that sends without reading), the reactor stops reading,
// so HTTP/2 flow control pushes back instead of memory growing.
//
// The stream ends with OK once the client half-closed and every response
// was written; on cancellation (or a failed write) pending work is dropped
// as it completes and the stream ends CANCELLED. An identity that cannot be
// established ends the stream at once with UNAUTHENTICATED, a malformed
// x-request-id with INVALID_ARGUMENT (caller.h); a batch beyond
// kMaxBatchEntries ends it with RESOURCE_EXHAUSTED, like a cancellation.
//
// Lifetime: gRPC owns one reference, each accepted request another until it
// is answered; the last to let go deletes the reactor, so a pool thread
// never touches a deleted reactor.
//
// State is shared between gRPC's threads and the pool's, under a
// service::Mutex (see mutex.h for why not absl::Mutex).
class PipelineReactor : public grpc::ServerBidiReactor<v1::PipelineRequest,
                                                       v1::PipelineResponse> {
 public:
  // A message with a larger batch ends the stream with RESOURCE_EXHAUSTED:
  // each entry is answered, so this bounds what one message can make the
  // stream hold.
  static constexpr int kMaxBatchEntries = 4096;

  // Starts the stream, or ends it at once with `identified` when that is
  // not OK (IdentifyCaller). `keystore`, `pool` and `monitor` are not owned
  // and must outlive the server.
  PipelineReactor(grpc::CallbackServerContext* context,
                  const keystore::KeystoreHolder* keystore, WorkPool* pool,
                  OperationMonitor* monitor, size_t max_outstanding,
                  Caller caller, const absl::Status& identified);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  enum class ReadState { kReading, kPaused, kDone };

  // Steps decided under mu_ and carried out after releasing it, so that no
  // gRPC call is ever made while holding mu_.
  struct Steps {
    bool read = false;
    const v1::PipelineResponse* write = nullptr;
    bool finish = false;
    grpc::Status status;  // With finish.
  };

  ~PipelineReactor() override = default;

  // Starts the audit record of `request`.
  OperationRecord StartRecord(const v1::PipelineRequest& request) const;
  // Answers an accepted `request` at once with `status` (a limit).
  void Refuse(std::unique_ptr<v1::PipelineRequest> request,
              OperationRecord record, absl::Status status);
  // Runs an admitted `request` (through WorkPool::Run) and queues its
  // response.
  void Execute(std::unique_ptr<v1::PipelineRequest> request,
               OperationRecord record, AdmissionTicket ticket);
  // Queues the response of an accepted request (or drops it when the stream
  // is broken) and lets go of the request's reference.
  void Complete(std::unique_ptr<v1::PipelineResponse> response);
  // Decides what to do next.
  Steps NextStepsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops every queued response (the stream is broken).
  void DropPendingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Perform(const Steps& steps);
  void Unref();

  const keystore::KeystoreHolder* const keystore_;
  WorkPool* const pool_;
  OperationMonitor* const monitor_;
  const size_t max_outstanding_;
  const Caller caller_;
  std::atomic<bool> cancelled_{false};
  const CallGuard guard_;
  // The references described above.
  std::atomic<int> refs_{1};

  // Written by gRPC between StartRead and OnReadDone; emptied by OnReadDone.
  v1::PipelineRequest read_buffer_;

  // Guards the stream's state below.
  Mutex mu_;
  ReadState read_state_ ABSL_GUARDED_BY(mu_) = ReadState::kReading;
  // Accepted requests not yet answered (running, waiting on the pool, or
  // being refused).
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // Responses waiting to be written, oldest first.
  std::deque<std::unique_ptr<v1::PipelineResponse>> pending_
      ABSL_GUARDED_BY(mu_);
  // The response being written; kept alive until OnWriteDone.
  std::unique_ptr<v1::PipelineResponse> writing_ ABSL_GUARDED_BY(mu_);
  // Cancelled, or a write failed: nothing more will be written.
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  // The client sent a batch: responses ready together go out as one.
  bool batch_responses_ ABSL_GUARDED_BY(mu_) = false;
  // How a broken stream ends: cancelled, or a message the stream refused.
  grpc::Status ending_ ABSL_GUARDED_BY(mu_) = grpc::Status::CANCELLED;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_PIPELINE_REACTOR_H_
