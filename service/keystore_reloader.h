#ifndef KEYWARD_SERVICE_KEYSTORE_RELOADER_H_
#define KEYWARD_SERVICE_KEYSTORE_RELOADER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "keystore/keystore_holder.h"
#include "keyward/v1/admin_service.pb.h"
#include "service/metrics.h"

namespace keyward::service {

// DirectoryLoader returns the loader of a KeystoreHolder that reads the
// file keystore in `directory` (Keystore::LoadFromDirectory at the time of
// each load) and logs each load warning (an expired certificate, a key past
// its rotation grace period) as a warning line.
keystore::KeystoreHolder::Loader DirectoryLoader(std::string directory);

// KeystoreReloader performs the reloads that SIGHUP and AdminService.Reload
// ask for, and logs their outcome and counts it in the metrics (with the
// certificate expiry of the keys now serving).
class KeystoreReloader {
 public:
  // `holder` and `metrics` are not owned and must outlive the reloader.
  KeystoreReloader(keystore::KeystoreHolder* holder, Metrics* metrics);

  // Reload loads the keystore anew and swaps it in. On success it logs the
  // key count and generation and returns them; on failure the serving
  // snapshot stays, the reason is logged, and FailedPrecondition carries
  // it (the file and what is wrong with it). `trigger` names the cause in
  // the log ("SIGHUP", "AdminService.Reload by <identity>"). Reloads are
  // serialized; blocks while the files are read.
  absl::StatusOr<v1::ReloadResponse> Reload(absl::string_view trigger);

  // Serving describes the snapshot serving now.
  v1::ReloadResponse Serving() const;

 private:
  keystore::KeystoreHolder* const holder_;
  Metrics* const metrics_;
  // Serializes Reload, so that the generation reported is the one of the
  // snapshot this Reload loaded.
  absl::Mutex mu_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEYSTORE_RELOADER_H_
