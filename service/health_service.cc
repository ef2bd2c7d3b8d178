#include "service/health_service.h"

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keyward::service {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// WatchReactor serves one Watch stream: it writes the latest status it was
// given whenever that differs from the last one written, one write at a
// time, and finishes once told the status is the last one.
//
// Lifetime: gRPC holds one reference until OnDone; HealthService takes a
// short one around each Update, so it never touches a deleted reactor.
class HealthService::WatchReactor final
    : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  WatchReactor(HealthService* service, std::string name)
      : service_(service), name_(std::move(name)) {}

  // The service name watched.
  const std::string& name() const { return name_; }

  // Update makes `status` the one to report; `last`: then end the stream.
  void Update(ServingStatus status, bool last) {
    {
      MutexLock lock(&mu_);
      wanted_ = status;
      last_ = last_ || last;
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    bool cancel = false;
    {
      MutexLock lock(&mu_);
      writing_ = false;
      // A failed write, or a cancellation that arrived while it was
      // pending, ends the stream.
      if ((!ok || cancelled_) && !finished_) {
        finished_ = true;
        cancel = true;
      }
    }
    if (cancel) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    Pump();
  }

  void OnCancel() override {
    {
      MutexLock lock(&mu_);
      if (finished_ || writing_) {
        // A pending write completes with ok == false and finishes then.
        cancelled_ = true;
        return;
      }
      finished_ = true;
    }
    Finish(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    service_->Forget(this);
    Unref();
  }

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  ~WatchReactor() override = default;

  // Pump starts the next write, or the finish, when one is due.
  void Pump() {
    bool write = false;
    bool finish = false;
    {
      MutexLock lock(&mu_);
      if (finished_ || writing_ || cancelled_) return;
      if (!sent_.has_value() || *sent_ != wanted_) {
        response_.set_status(wanted_);
        sent_ = wanted_;
        writing_ = true;
        write = true;
      } else if (last_) {
        finished_ = true;
        finish = true;
      }
    }
    if (write) StartWrite(&response_);
    if (finish) Finish(grpc::Status::OK);
  }

  HealthService* const service_;
  const std::string name_;
  std::atomic<int> refs_{1};
  Mutex mu_;
  ServingStatus wanted_ ABSL_GUARDED_BY(mu_) = HealthCheckResponse::UNKNOWN;
  std::optional<ServingStatus> sent_ ABSL_GUARDED_BY(mu_);
  bool last_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // The message being written; changed only while no write is pending.
  HealthCheckResponse response_;
};

HealthService::HealthService(std::vector<std::string> service_names)
    : service_names_(service_names.begin(), service_names.end()) {}

HealthService::ServingStatus HealthService::StatusOfLocked(
    const std::string& name) const {
  if (!name.empty() && service_names_.count(name) == 0) {
    return HealthCheckResponse::SERVICE_UNKNOWN;
  }
  return serving_ && !shut_down_ ? HealthCheckResponse::SERVING
                                 : HealthCheckResponse::NOT_SERVING;
}

void HealthService::SetServing(bool serving) {
  {
    MutexLock lock(&mu_);
    if (shut_down_) return;
    serving_ = serving;
  }
  Notify();
}

void HealthService::Shutdown() {
  {
    MutexLock lock(&mu_);
    shut_down_ = true;
  }
  Notify();
}

grpc::ServerUnaryReactor* HealthService::Check(
    grpc::CallbackServerContext* context, const HealthCheckRequest* request,
    HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    MutexLock lock(&mu_);
    status = StatusOfLocked(request->service());
  }
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(
        grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
  } else {
    response->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* /*context*/,
    const HealthCheckRequest* request) {
  auto* reactor = new WatchReactor(this, request->service());
  ServingStatus status;
  bool last;
  {
    MutexLock lock(&mu_);
    watchers_.insert(reactor);
    status = StatusOfLocked(request->service());
    last = shut_down_;
    // The service's reference for the Update below.
    reactor->Ref();
  }
  reactor->Update(status, last);
  reactor->Unref();
  return reactor;
}

void HealthService::Notify() {
  std::vector<std::pair<WatchReactor*, ServingStatus>> updates;
  bool last;
  {
    MutexLock lock(&mu_);
    last = shut_down_;
    for (WatchReactor* reactor : watchers_) {
      reactor->Ref();
      updates.emplace_back(reactor, StatusOfLocked(reactor->name()));
    }
  }
  for (auto& [reactor, status] : updates) {
    reactor->Update(status, last);
    reactor->Unref();
  }
}

void HealthService::Forget(WatchReactor* reactor) {
  MutexLock lock(&mu_);
  watchers_.erase(reactor);
}

}  // namespace keyward::service
