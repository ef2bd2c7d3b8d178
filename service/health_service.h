#ifndef KEYWARD_SERVICE_HEALTH_SERVICE_H_
#define KEYWARD_SERVICE_HEALTH_SERVICE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "service/mutex.h"

namespace keyward::service {

// HealthService implements grpc.health.v1.Health for the server: the
// overall status (service name "") and that of each service it was given.
// Unlike gRPC's default health service, Shutdown ends every Watch stream,
// so that the watchers load balancers keep open do not hold a draining
// server up until its grace period runs out.
//
//  - Check: the status; NOT_FOUND for a service name it does not know.
//  - Watch: the status at once, then each change; SERVICE_UNKNOWN for a
//    name it does not know. After Shutdown the stream gets NOT_SERVING and
//    ends with OK (a Watch that starts later gets just that).
//
// Thread-safe. Must outlive the gRPC server it is registered with.
class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  // Starts NOT_SERVING; `service_names` are the services it answers for
  // besides "".
  explicit HealthService(std::vector<std::string> service_names);

  // SetServing sets the status of every service. Ignored after Shutdown.
  void SetServing(bool serving);

  // Shutdown turns every service NOT_SERVING for good and ends every Watch
  // stream once that status is written.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request,
      grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class WatchReactor;
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // StatusOfLocked is what Watch reports for `name`.
  ServingStatus StatusOfLocked(const std::string& name) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Notify sends every watcher its current status (and the end after
  // Shutdown).
  void Notify();
  // Forget drops a watcher whose stream is done.
  void Forget(WatchReactor* reactor);

  const std::set<std::string> service_names_;
  mutable Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::set<WatchReactor*> watchers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_HEALTH_SERVICE_H_
