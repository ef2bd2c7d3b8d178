#include "service/pipeline_reactor.h"

#include <algorithm>
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
namespace {

std::unique_ptr<v1::PipelineResponse> Rejection(uint64_t request_id,
                                                size_t max_outstanding) {
  auto out = std::make_unique<v1::PipelineResponse>();
  out->set_request_id(request_id);
  *out->mutable_status() = ToProtoStatus(absl::ResourceExhaustedError(
      absl::StrCat("the stream already has ", max_outstanding,
                   " requests outstanding (max_outstanding_per_stream)")));
  return out;
}

}  // namespace

PipelineReactor::PipelineReactor(grpc::CallbackServerContext* context,
                                 const keystore::KeystoreHolder* keystore,
                                 WorkPool* pool, size_t max_outstanding,
                                 absl::StatusOr<std::string> identity)
    : keystore_(keystore),
      pool_(pool),
      max_outstanding_(std::max<size_t>(max_outstanding, 1)),
      identity_(identity.ok() ? *identity : ""),
      guard_(absl::FromChrono(context->deadline()),
             [this] { return cancelled_.load(std::memory_order_acquire); }) {
  if (!identity.ok()) {
    {
      MutexLock lock(&mu_);
      read_state_ = ReadState::kDone;
      finished_ = true;
    }
    Finish(ToGrpcStatus(identity.status()));
    return;
  }
  StartRead(&read_buffer_);
}

void PipelineReactor::OnReadDone(bool ok) {
  std::unique_ptr<v1::PipelineRequest> request;
  if (ok) {
    request = std::make_unique<v1::PipelineRequest>(std::move(read_buffer_));
  }
  bool dispatch = false;
  Steps steps;
  {
    MutexLock lock(&mu_);
    read_state_ = ok ? ReadState::kPaused : ReadState::kDone;
    if (ok && !broken_) {
      if (in_flight_ < max_outstanding_) {
        ++in_flight_;
        refs_.fetch_add(1, std::memory_order_relaxed);
        dispatch = true;
      } else {
        pending_.push_back(Rejection(request->request_id(), max_outstanding_));
      }
    }
    steps = NextStepsLocked();
  }
  if (dispatch) {
    pool_->Schedule([this, request = std::move(request)]() mutable {
      Execute(std::move(request));
    });
  } else if (request != nullptr) {
    CleanseSecrets(request.get());
  }
  Perform(steps);
}

void PipelineReactor::Execute(std::unique_ptr<v1::PipelineRequest> request) {
  const OperationContext context{keystore_->Current(), identity_, absl::Now(),
                                 guard_};
  auto response = std::make_unique<v1::PipelineResponse>(
      RunPipelineRequest(*request, context));
  CleanseSecrets(request.get());
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
