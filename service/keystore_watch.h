#ifndef KEYWARD_SERVICE_KEYSTORE_WATCH_H_
#define KEYWARD_SERVICE_KEYSTORE_WATCH_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "service/mutex.h"

namespace keyward::service {

// KeystoreFingerprint describes the files of the file keystore in
// `directory` as the file system sees them: for the manifest and every
// file it names (keys, certificate chains, passphrase files), the
// identity, size, mode and change times of what the path leads to after
// following symlinks (or why it cannot be stat'ed). Two fingerprints
// differ when any of those files was replaced (a rename over it, or a
// Kubernetes Secret's "..data" symlink swapped to a new folder), rewritten,
// resized, re-permissioned, added or removed. Only the manifest is read;
// key files are never opened. A rewrite in place that keeps the size
// within the file system's timestamp granularity is not seen (SIGHUP
// still reloads).
std::string KeystoreFingerprint(const std::string& directory);

// KeystoreWatch notices changes of a file keystore by comparing
// fingerprints, so that a keystore mounted from a Kubernetes Secret is
// reloaded when the Secret is updated.
class KeystoreWatch {
 public:
  // Takes the first fingerprint of `directory` now: construct the watch
  // before loading the keystore, so that no change after the load is
  // missed.
  explicit KeystoreWatch(std::string directory);

  // Stops the thread, if started.
  ~KeystoreWatch();

  KeystoreWatch(const KeystoreWatch&) = delete;
  KeystoreWatch& operator=(const KeystoreWatch&) = delete;

  // CheckOnce takes a fingerprint and returns true when it differs from the
  // previous one (which it then replaces), so that each change is reported
  // once, whether or not the reload it causes succeeds. Thread-safe.
  bool CheckOnce();

  // Start calls CheckOnce every `interval` on a thread of its own and
  // `on_change` after each change seen, until Stop. Call at most once;
  // what `on_change` uses must outlive Stop.
  void Start(absl::Duration interval, std::function<void()> on_change);

  // Stop ends the thread started by Start and waits for it (and for an
  // on_change in progress). Safe to call more than once, or without Start.
  void Stop();

 private:
  const std::string directory_;
  Mutex mu_;
  std::string fingerprint_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread checker_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEYSTORE_WATCH_H_
