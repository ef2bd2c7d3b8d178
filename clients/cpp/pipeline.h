#ifndef KEYWARD_CLIENTS_CPP_PIPELINE_H_
#define KEYWARD_CLIENTS_CPP_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/client_callback.h"
#include "keyward/v1/key_service.grpc.pb.h"

namespace keyward::client {

// Pipeline: many Keyward operations in flight on one KeyService.Pipeline
// stream, answered in any order. Made by KeywardClient::OpenPipeline.
// Thread-safe. The stream is not retried: when it breaks, every pending and
// later Submit gets the stream's error, and the caller opens a new one.
//
// Requests submitted while the previous message is being written go out
// together in one batch message (PipelineRequest.batch), which never delays
// a request and saves the per-message cost of gRPC, HTTP/2 and TLS when
// many are in flight; the server then batches its responses likewise. A
// batch stays within kMaxBatchBytes, below the smallest message limit a
// server accepts (limits.max_receive_message_bytes, at least 4 KiB). Needs
// a server that knows batches (Keyward from the version that added them).
class Pipeline : public grpc::ClientBidiReactor<v1::PipelineRequest,
                                                v1::PipelineResponse> {
 public:
  static constexpr size_t kMaxBatchBytes = 4000;

  using Done = std::function<void(absl::StatusOr<v1::PipelineResponse>)>;

  // Starts the stream on `stub`; `context` has its deadline and metadata.
  Pipeline(v1::KeyService::Stub* stub,
           std::unique_ptr<grpc::ClientContext> context);
  // Waits for Finish() if the caller did not call it.
  ~Pipeline() override;

  // Submit sends one operation (its request_id is assigned here) and calls
  // `done` once with the response, or with the error the server put in it
  // (the response's own status), or with the stream's error. `done` runs on
  // a gRPC thread and must not block.
  void Submit(v1::PipelineRequest request, Done done);

  // Finish half-closes the stream, waits for every outstanding response and
  // returns the stream's final status. Submit must not be called after.
  absl::Status Finish();

 private:
  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  // What the stream should do next; decided under mu_, done outside it
  // (gRPC may run reactions inline, and they take mu_).
  enum class Step { kNothing, kWrite, kHalfClose, kRelease };
  Step NextStepLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the next message from writes_ to in_flight_: the first request
  // alone, or with those after it as a batch of at most kMaxBatchBytes.
  void TakeWritesLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Take(Step step);

  const std::unique_ptr<grpc::ClientContext> context_;
  v1::PipelineResponse response_;  // Only the reactor's read touches it.

  // Guards everything below.
  absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, Done> pending_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::PipelineRequest> writes_ ABSL_GUARDED_BY(mu_);
  v1::PipelineRequest in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool half_close_ ABSL_GUARDED_BY(mu_) = false;  // Finish() was called.
  bool broken_ ABSL_GUARDED_BY(mu_) = false;      // A read or write failed.
  bool released_ ABSL_GUARDED_BY(mu_) = false;    // The hold is removed.
  bool done_ ABSL_GUARDED_BY(mu_) = false;        // OnDone ran.
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_PIPELINE_H_
