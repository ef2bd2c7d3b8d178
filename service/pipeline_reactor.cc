#include "service/pipeline_reactor.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/grpc_status.h"
#include "service/operations.h"
#include "service/pipeline_dispatch.h"
#include "service/secret_cleansing.h"

namespace keyward::service {

PipelineReactor::PipelineReactor(grpc::CallbackServerContext* context,
                                 const keystore::KeystoreHolder* keystore,
                                 WorkPool* pool, OperationMonitor* monitor,
                                 size_t max_outstanding, Caller caller,
                                 const absl::Status& identified)
    : keystore_(keystore),
      pool_(pool),
      monitor_(monitor),
      max_outstanding_(std::max<size_t>(max_outstanding, 1)),
      caller_(std::move(caller)),
      guard_(absl::FromChrono(context->deadline()),
             [this] { return cancelled_.load(std::memory_order_acquire); }) {
  if (!identified.ok()) {
    {
      MutexLock lock(&mu_);
      read_state_ = ReadState::kDone;
      finished_ = true;
    }
    Finish(ToGrpcStatus(identified));
    return;
  }
  StartRead(&read_buffer_);
}

void PipelineReactor::OnReadDone(bool ok) {
  std::unique_ptr<v1::PipelineRequest> request;
  if (ok) {
    request = std::make_unique<v1::PipelineRequest>(std::move(read_buffer_));
  }
  bool accepted = false;
  bool over_stream_limit = false;
  Steps steps;
  {
    MutexLock lock(&mu_);
    read_state_ = ok ? ReadState::kPaused : ReadState::kDone;
    if (ok && !broken_) {
      // Every accepted request is answered through Complete, even one that
      // a limit refuses, so that in_flight_ and refs_ count it until then.
      accepted = true;
      over_stream_limit = in_flight_ >= max_outstanding_;
      ++in_flight_;
      refs_.fetch_add(1, std::memory_order_relaxed);
    } else {
      steps = NextStepsLocked();
    }
  }
  if (!accepted) {
    if (request != nullptr) CleanseSecrets(request.get());
    Perform(steps);
    return;
  }
  // The next read starts only once this request is refused or queued, so
  // that refusals are answered in the order the requests came.
  OperationRecord record = StartRecord(*request);
  if (over_stream_limit) {
    Refuse(std::move(request), std::move(record),
           absl::ResourceExhaustedError(absl::StrCat(
               "the stream already has ", max_outstanding_,
               " requests outstanding (max_outstanding_per_stream)")));
    return;
  }
  absl::StatusOr<AdmissionTicket> ticket = monitor_->Admit(caller_.identity);
  if (!ticket.ok()) {
    Refuse(std::move(request), std::move(record), ticket.status());
    return;
  }
  pool_->Schedule([this, request = std::move(request),
                   record = std::move(record),
                   ticket = *std::move(ticket)]() mutable {
    Execute(std::move(request), std::move(record), std::move(ticket));
  });
  {
    MutexLock lock(&mu_);
    steps = NextStepsLocked();
  }
  Perform(steps);
}

OperationRecord PipelineReactor::StartRecord(
    const v1::PipelineRequest& request) const {
  OperationRecord record;
  record.time = absl::Now();
  record.identity = caller_.identity;
  record.peer = caller_.peer;
  record.request_id = absl::StrCat(caller_.request_id, "/", request.request_id());
  record.operation = PipelineOperation(request);
  record.pipelined = true;
  if (request.has_sign()) {
    record.scheme = v1::SignatureScheme_Name(request.sign().scheme());
  }
  return record;
}

void PipelineReactor::Refuse(std::unique_ptr<v1::PipelineRequest> request,
                             OperationRecord record, absl::Status status) {
  auto response = std::make_unique<v1::PipelineResponse>();
  response->set_request_id(request->request_id());
  CleanseSecrets(request.get());
  *response->mutable_status() =
      ToProtoStatus(monitor_->Finish(record, std::move(status), std::nullopt));
  Complete(std::move(response));
}

void PipelineReactor::Execute(std::unique_ptr<v1::PipelineRequest> request,
                              OperationRecord record, AdmissionTicket ticket) {
  OperationFacts facts;
  const OperationContext context{keystore_->Current(), caller_.identity,
                                 absl::Now(), guard_, &facts};
  auto response = std::make_unique<v1::PipelineResponse>(
      RunPipelineRequest(*request, context));
  CleanseSecrets(request.get());
  record.key_id = std::move(facts.key_id);
  const absl::Status outcome(
      static_cast<absl::StatusCode>(response->status().code()),
      response->status().message());
  const absl::Status answered =
      monitor_->Finish(record, outcome, std::move(ticket));
  if (answered.code() != outcome.code()) {
    // The audit log failed closed: the result must not leave.
    CleanseSecrets(response.get());
    response->clear_result();
    *response->mutable_status() = ToProtoStatus(answered);
  }
  Complete(std::move(response));
}

void PipelineReactor::Complete(std::unique_ptr<v1::PipelineResponse> response) {
  Steps steps;
  {
    MutexLock lock(&mu_);
    --in_flight_;
    if (broken_) {
      CleanseSecrets(response.get());
    } else {
      pending_.push_back(std::move(response));
    }
    steps = NextStepsLocked();
  }
  Perform(steps);
  Unref();
}

void PipelineReactor::OnWriteDone(bool ok) {
  Steps steps;
  {
    MutexLock lock(&mu_);
    CleanseSecrets(writing_.get());
    writing_.reset();
    if (!ok) {
      broken_ = true;
      DropPendingLocked();
    }
    steps = NextStepsLocked();
  }
  Perform(steps);
}

void PipelineReactor::OnCancel() {
  cancelled_.store(true, std::memory_order_release);
  Steps steps;
  {
    MutexLock lock(&mu_);
    broken_ = true;
    DropPendingLocked();
    steps = NextStepsLocked();
  }
  Perform(steps);
}

void PipelineReactor::OnDone() { Unref(); }

PipelineReactor::Steps PipelineReactor::NextStepsLocked() {
  Steps steps;
  if (finished_) return steps;
  if (!broken_ && writing_ == nullptr && !pending_.empty()) {
    writing_ = std::move(pending_.front());
    pending_.pop_front();
    steps.write = writing_.get();
  }
  if (!broken_ && read_state_ == ReadState::kPaused &&
      pending_.size() < max_outstanding_) {
    read_state_ = ReadState::kReading;
    steps.read = true;
  }
  const bool idle = in_flight_ == 0 && writing_ == nullptr;
  if (idle &&
      (broken_ || (read_state_ == ReadState::kDone && pending_.empty()))) {
    finished_ = true;
    steps.finish = true;
    steps.cancelled = broken_;
  }
  return steps;
}

void PipelineReactor::DropPendingLocked() {
  for (std::unique_ptr<v1::PipelineResponse>& response : pending_) {
    CleanseSecrets(response.get());
  }
  pending_.clear();
}

void PipelineReactor::Perform(const Steps& steps) {
  if (steps.write != nullptr) StartWrite(steps.write);
  if (steps.read) StartRead(&read_buffer_);
  if (steps.finish) {
    Finish(steps.cancelled ? grpc::Status::CANCELLED : grpc::Status::OK);
  }
}

void PipelineReactor::Unref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace keyward::service
