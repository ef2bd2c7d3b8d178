#ifndef KEYWARD_SERVICE_CLIENT_CA_BUNDLE_H_
#define KEYWARD_SERVICE_CLIENT_CA_BUNDLE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "service/mutex.h"

namespace keyward::service {

// CheckCaBundle returns OK when `pem` holds one or more PEM certificates and
// nothing else that fails to parse; else InvalidArgument saying why.
absl::Status CheckCaBundle(const std::string& pem);

// ClientCaBundle is the trusted client CA bundle the server verifies client
// certificates with, following its configured file. gRPC's certificate
// watcher reads whatever file it watches without checking it, so a bundle
// saved half-written or broken would lock every client out; it watches
// instead a private copy (staged_path()) that this class replaces only with
// a bundle that passes CheckCaBundle. A broken file is reported by Refresh
// and the last good bundle stays in force.
class ClientCaBundle {
 public:
  // Create checks `source` and stages its first copy in a new private
  // directory (mode 0700) under $TMPDIR (else /tmp). NotFound naming the file
  // when it cannot be read, InvalidArgument naming it when it is not a CA
  // bundle. `refresh_interval` is how often the background thread calls
  // Refresh.
  static absl::StatusOr<std::unique_ptr<ClientCaBundle>> Create(
      std::string source, absl::Duration refresh_interval);

  // Stops the thread and removes the staged copy.
  ~ClientCaBundle();

  ClientCaBundle(const ClientCaBundle&) = delete;
  ClientCaBundle& operator=(const ClientCaBundle&) = delete;

  // The file to hand to gRPC's watcher.
  const std::string& staged_path() const { return staged_path_; }

  // Refresh reads the source again and stages it when it changed and is
  // good. Returns the reason when it is not (and logs it once per change).
  // Thread-safe; the background thread calls it every refresh_interval.
  absl::Status Refresh();

 private:
  ClientCaBundle(std::string source, std::string directory,
                 std::string staged);

  const std::string source_;
  const std::string directory_;
  const std::string staged_path_;
  Mutex mu_;
  std::string staged_contents_ ABSL_GUARDED_BY(mu_);
  std::string last_refused_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread refresher_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_CLIENT_CA_BUNDLE_H_
