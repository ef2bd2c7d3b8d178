#include "keystore/keystore_holder.h"

#include <utility>

#include "absl/status/status.h"

namespace keyward::keystore {

absl::StatusOr<std::unique_ptr<KeystoreHolder>> KeystoreHolder::Create(
    Loader loader) {
  if (!loader) return absl::InvalidArgumentError("loader is empty");
  std::unique_ptr<KeystoreHolder> holder(new KeystoreHolder(std::move(loader)));
  absl::StatusOr<std::shared_ptr<const Keystore>> first = holder->Reload();
  if (!first.ok()) return first.status();
  return holder;
}

std::shared_ptr<const Keystore> KeystoreHolder::Current() const {
  return std::atomic_load(&current_);
}

absl::StatusOr<std::shared_ptr<const Keystore>> KeystoreHolder::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  // Loading reads files and decodes keys while readers keep getting the
  // serving snapshot.
  absl::StatusOr<std::shared_ptr<const Keystore>> loaded = loader_();
  if (!loaded.ok()) return loaded.status();
  if (*loaded == nullptr) {
    return absl::InternalError("the keystore loader returned no snapshot");
  }
  // The previous snapshot is released here unless in-flight operations
  // still hold it; they keep it alive until they finish.
  std::atomic_exchange(&current_, *loaded);
  generation_.fetch_add(1);
  return loaded;
}

uint64_t KeystoreHolder::generation() const { return generation_.load(); }

}  // namespace keyward::keystore
