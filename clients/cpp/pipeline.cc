#include "clients/cpp/pipeline.h"

#include <utility>
#include <vector>

#include "clients/cpp/status.h"

namespace keyward::client {

// The reactor holds the stream open (AddHold) until either Finish has
// half-closed it or the stream broke; only then can OnDone run. Writes go
// one at a time from writes_: the requests queued while the previous write
// was in flight go out together as one batch.

Pipeline::Pipeline(v1::KeyService::Stub* stub,
                   std::unique_ptr<grpc::ClientContext> context)
    : context_(std::move(context)) {
  stub->async()->Pipeline(context_.get(), this);
  StartRead(&response_);
  AddHold();
  StartCall();
}

Pipeline::~Pipeline() { Finish().IgnoreError(); }

void Pipeline::Submit(v1::PipelineRequest request, Done done) {
  Step step;
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (half_close_ || broken_ || done_) {
      refused = done_ && !final_status_.ok()
                    ? final_status_
                    : absl::UnavailableError("pipeline is closed");
    } else {
      request.set_request_id(next_id_++);
      pending_.emplace(request.request_id(), std::move(done));
      writes_.push_back(std::move(request));
    }
    step = NextStepLocked();
  }
  Take(step);
  if (!refused.ok()) done(refused);
}

Pipeline::Step Pipeline::NextStepLocked() {
  if (writing_ || released_) return Step::kNothing;
  if (broken_) {
    writes_.clear();
    released_ = true;
    return Step::kRelease;
  }
  if (!writes_.empty()) {
    TakeWritesLocked();
    writing_ = true;
    return Step::kWrite;
  }
  if (half_close_) {
    released_ = true;
    return Step::kHalfClose;
  }
  return Step::kNothing;
}

void Pipeline::TakeWritesLocked() {
  // Bytes an entry adds to a batch: its tag and length prefix (at most 3
  // bytes below 16 KiB) and itself.
  auto entry_bytes = [](const v1::PipelineRequest& request) {
    return request.ByteSizeLong() + 3;
  };
  // The first request, and those after it that fit with it.
  size_t count = 1;
  size_t bytes = entry_bytes(writes_.front());
  while (count < writes_.size()) {
    const size_t next = entry_bytes(writes_[count]);
    if (bytes + next > kMaxBatchBytes) break;
    bytes += next;
    ++count;
  }
  if (count == 1) {
    in_flight_ = std::move(writes_.front());
    writes_.pop_front();
    return;
  }
  in_flight_.Clear();
  for (size_t i = 0; i < count; ++i) {
    *in_flight_.add_batch() = std::move(writes_.front());
    writes_.pop_front();
  }
}

void Pipeline::Take(Step step) {
  switch (step) {
    case Step::kNothing:
      return;
    case Step::kWrite:
      // in_flight_ is not touched again until OnWriteDone.
      StartWrite(&in_flight_);
      return;
    case Step::kHalfClose:
      StartWritesDone();
      RemoveHold();
      return;
    case Step::kRelease:
      RemoveHold();
      return;
  }
}

void Pipeline::OnWriteDone(bool ok) {
  Step step;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) broken_ = true;
    step = NextStepLocked();
  }
  Take(step);
}

void Pipeline::OnReadDone(bool ok) {
  if (!ok) {
    // The server ended the stream; let OnDone happen.
    Step step;
    {
      absl::MutexLock lock(&mu_);
      broken_ = true;
      step = NextStepLocked();
    }
    Take(step);
    return;
  }
  // The responses this message carries (itself or its batch) with the
  // callbacks they complete.
  std::vector<std::pair<Done, v1::PipelineResponse*>> answered;
  {
    absl::MutexLock lock(&mu_);
    auto take = [&](v1::PipelineResponse* response) {
      auto it = pending_.find(response->request_id());
      if (it == pending_.end()) return;
      answered.emplace_back(std::move(it->second), response);
      pending_.erase(it);
    };
    if (response_.batch().empty()) {
      take(&response_);
    } else {
      for (v1::PipelineResponse& entry : *response_.mutable_batch()) {
        take(&entry);
      }
    }
  }
  for (auto& [done, response] : answered) {
    absl::Status status = FromProtoStatus(response->status());
    if (status.ok()) {
      done(std::move(*response));
    } else {
      done(status);
    }
  }
  response_.Clear();
  StartRead(&response_);
}

void Pipeline::OnDone(const grpc::Status& status) {
  std::vector<Done> orphans;
  absl::Status final_status = FromGrpcStatus(status);
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, done] : pending_) orphans.push_back(std::move(done));
    pending_.clear();
    final_status_ = final_status;
    done_ = true;
  }
  absl::Status orphan_status =
      final_status.ok()
          ? absl::UnavailableError("pipeline ended without a response")
          : final_status;
  for (Done& done : orphans) done(orphan_status);
}

absl::Status Pipeline::Finish() {
  Step step;
  {
    absl::MutexLock lock(&mu_);
    half_close_ = true;
    step = NextStepLocked();
  }
  Take(step);
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done_));
  return final_status_;
}

}  // namespace keyward::client
