#include "service/pipeline_reactor.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
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

namespace {

// Responses that were ready together go out in one message (on a stream
// that batches) of at most this many entries, closed once it passed
// kResponseBatchBytes.
constexpr int kMaxResponsesPerMessage = 256;
constexpr size_t kResponseBatchBytes = 64 * 1024;

// A request of a message, with why it is malformed if it is.
struct Unbatched {
  std::unique_ptr<v1::PipelineRequest> request;
  absl::Status malformed;
};

// The requests `message` carries: itself, or the entries of its batch
// (and itself too, refused, when it also has an operation).
std::vector<Unbatched> Unbatch(v1::PipelineRequest message) {
  std::vector<Unbatched> out;
  if (message.batch().empty()) {
    out.push_back({std::make_unique<v1::PipelineRequest>(std::move(message)),
                   absl::OkStatus()});
    return out;
  }
  out.reserve(message.batch_size() + 1);
  for (v1::PipelineRequest& entry : *message.mutable_batch()) {
    absl::Status malformed =
        entry.batch().empty()
            ? absl::OkStatus()
            : absl::InvalidArgumentError(
                  "PipelineRequest.batch: an entry of a batch carries no "
                  "batch of its own");
    out.push_back({std::make_unique<v1::PipelineRequest>(std::move(entry)),
                   std::move(malformed)});
  }
  if (message.operation_case() != v1::PipelineRequest::OPERATION_NOT_SET) {
    message.clear_batch();
    out.push_back({std::make_unique<v1::PipelineRequest>(std::move(message)),
                   absl::InvalidArgumentError(
                       "PipelineRequest: a message with a batch carries no "
                       "operation of its own")});
  }
  return out;
}

}  // namespace

void PipelineReactor::OnReadDone(bool ok) {
  std::vector<Unbatched> requests;
  bool batched = false;
  bool oversized = false;
  if (ok) {
    batched = !read_buffer_.batch().empty();
    oversized = read_buffer_.batch_size() > kMaxBatchEntries;
    if (oversized) {
      CleanseSecrets(&read_buffer_);
    } else {
      requests = Unbatch(std::move(read_buffer_));
    }
    read_buffer_.Clear();
  }
  // Whether each request is over the stream's limit.
  std::vector<bool> over_stream_limit;
  Steps steps;
  {
    MutexLock lock(&mu_);
    read_state_ = ok ? ReadState::kPaused : ReadState::kDone;
    if (oversized && !broken_) {
      // Each entry would get a response: bound what one message can make
      // the stream hold. The stream ends as a cancelled one does.
      read_state_ = ReadState::kDone;
      broken_ = true;
      ending_ = grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("PipelineRequest.batch: at most ", kMaxBatchEntries,
                       " entries in one message"));
      DropPendingLocked();
      steps = NextStepsLocked();
    } else if (ok && !broken_) {
      // Every accepted request is answered through Complete, even one that
      // a limit refuses, so that in_flight_ and refs_ count it until then.
      batch_responses_ = batch_responses_ || batched;
      for (size_t i = 0; i < requests.size(); ++i) {
        over_stream_limit.push_back(in_flight_ >= max_outstanding_);
        ++in_flight_;
      }
      refs_.fetch_add(static_cast<int>(requests.size()),
                      std::memory_order_relaxed);
    } else {
      steps = NextStepsLocked();
    }
  }
  if (over_stream_limit.empty()) {
    for (Unbatched& unbatched : requests) {
      CleanseSecrets(unbatched.request.get());
    }
    Perform(steps);
    return;
  }
  // Refusals are answered before the next read starts, in the order the
  // requests came. Each admitted request holds a reference, so `this` lives
  // until the last has run.
  WorkPool* const pool = pool_;
  std::vector<absl::AnyInvocable<void() &&>> runs;
  for (size_t i = 0; i < requests.size(); ++i) {
    std::unique_ptr<v1::PipelineRequest>& request = requests[i].request;
    OperationRecord record = StartRecord(*request);
    if (!requests[i].malformed.ok()) {
      Refuse(std::move(request), std::move(record),
             std::move(requests[i].malformed));
      continue;
    }
    if (over_stream_limit[i]) {
      Refuse(std::move(request), std::move(record),
             absl::ResourceExhaustedError(absl::StrCat(
                 "the stream already has ", max_outstanding_,
                 " requests outstanding (max_outstanding_per_stream)")));
      continue;
    }
    absl::StatusOr<AdmissionTicket> ticket =
        monitor_->Admit(caller_.identity);
    if (!ticket.ok()) {
      Refuse(std::move(request), std::move(record), ticket.status());
      continue;
    }
    runs.push_back([this, request = std::move(request),
                    record = std::move(record),
                    ticket = *std::move(ticket)]() mutable {
      Execute(std::move(request), std::move(record), std::move(ticket));
    });
  }
  // A batch spreads over the pool's threads, queued in the order it came
  // and, unless a refusal above already started it, before the next read;
  // its last request (or the only one) may run right here instead, after
  // the next read started.
  std::optional<WorkPool::InlineSlot> slot =
      runs.empty() ? std::nullopt : pool->TryTakeInlineSlot();
  const size_t queued = slot.has_value() ? runs.size() - 1 : runs.size();
  for (size_t i = 0; i < queued; ++i) pool->Schedule(std::move(runs[i]));
  {
    MutexLock lock(&mu_);
    steps = NextStepsLocked();
  }
  Perform(steps);
  if (slot.has_value()) std::move(runs.back())();
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
    if (batch_responses_ && pending_.size() > 1) {
      writing_ = std::make_unique<v1::PipelineResponse>();
      size_t bytes = 0;
      while (!pending_.empty() &&
             writing_->batch_size() < kMaxResponsesPerMessage &&
             bytes < kResponseBatchBytes) {
        bytes += pending_.front()->ByteSizeLong();
        writing_->mutable_batch()->AddAllocated(pending_.front().release());
        pending_.pop_front();
      }
    } else {
      writing_ = std::move(pending_.front());
      pending_.pop_front();
    }
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
    steps.status = broken_ ? ending_ : grpc::Status::OK;
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
    Finish(steps.status);
  }
}

void PipelineReactor::Unref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace keyward::service
