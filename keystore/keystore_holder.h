#ifndef KEYWARD_KEYSTORE_KEYSTORE_HOLDER_H_
#define KEYWARD_KEYSTORE_KEYSTORE_HOLDER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "keystore/keystore.h"

namespace keyward::keystore {

// KeystoreHolder owns the keystore snapshot currently serving and swaps in
// new ones atomically. Readers take a snapshot with Current() and use it for
// the whole operation; a reload never disturbs them.
class KeystoreHolder {
 public:
  // Loader builds a snapshot (normally Keystore::LoadFromDirectory bound to
  // a directory); tests inject their own.
  using Loader =
      std::function<absl::StatusOr<std::shared_ptr<const Keystore>>()>;

  // Create runs the first load; fails with its error (InvalidArgument for
  // an empty `loader`).
  static absl::StatusOr<std::unique_ptr<KeystoreHolder>> Create(Loader loader);

  // Current returns the serving snapshot. Never null. Cheap; thread-safe.
  std::shared_ptr<const Keystore> Current() const;

  // Reload loads a new snapshot and swaps it in. On failure the serving
  // snapshot stays and the error is returned. Concurrent Reload calls are
  // serialized. Returns the new snapshot. Internal if the loader returns
  // null.
  absl::StatusOr<std::shared_ptr<const Keystore>> Reload()
      ABSL_LOCKS_EXCLUDED(reload_mu_);

  // generation counts successful loads: 1 after Create. Read on its own,
  // it may lag Current() by the reload in progress.
  uint64_t generation() const;

 private:
  explicit KeystoreHolder(Loader loader) : loader_(std::move(loader)) {}

  const Loader loader_;
  // Serializes Reload; held while loading, never by readers.
  absl::Mutex reload_mu_;
  // The serving snapshot. Only ever read with std::atomic_load and
  // replaced with std::atomic_exchange (C++17 [util.smartptr.shared.atomic]),
  // so readers never wait for a reload. (An absl::Mutex would do as well,
  // but the system Abseil is not built with ThreadSanitizer, which then
  // cannot see the ordering it provides.)
  std::shared_ptr<const Keystore> current_;
  // Written under reload_mu_, after current_.
  std::atomic<uint64_t> generation_{0};
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_KEYSTORE_HOLDER_H_
