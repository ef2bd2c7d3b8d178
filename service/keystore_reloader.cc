#include "service/keystore_reloader.h"

#include <ctime>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "keystore/keystore.h"
#include "service/log.h"

namespace keyward::service {

keystore::KeystoreHolder::Loader DirectoryLoader(std::string directory) {
  return [directory = std::move(directory)]()
             -> absl::StatusOr<std::shared_ptr<const keystore::Keystore>> {
    std::vector<std::string> warnings;
    absl::StatusOr<std::shared_ptr<const keystore::Keystore>> loaded =
        keystore::Keystore::LoadFromDirectory(directory, absl::Now(),
                                              &warnings);
    for (const std::string& warning : warnings) {
      Log(LogLevel::kWarning, absl::StrCat("keystore: ", warning));
    }
    return loaded;
  };
}

KeystoreReloader::KeystoreReloader(keystore::KeystoreHolder* holder,
                                   Metrics* metrics)
    : holder_(holder), metrics_(metrics) {}

absl::StatusOr<v1::ReloadResponse> KeystoreReloader::Reload(
    absl::string_view trigger) {
  absl::MutexLock lock(&mu_);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const keystore::Keystore>> loaded =
      holder_->Reload();
  const absl::Time end = absl::Now();
  metrics_->RecordReload(loaded.ok(), end - start, end);
  if (!loaded.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("keystore reload (", trigger,
                     ") failed; still serving generation ",
                     holder_->generation(), ": ", loaded.status().message()));
    return absl::FailedPreconditionError(loaded.status().message());
  }
  metrics_->SetKeystore(**loaded);
  v1::ReloadResponse out = Serving();
  Log(LogLevel::kInfo,
      absl::StrCat("keystore reloaded (", trigger, "): ", out.key_count(),
                   " keys, generation ", out.generation()));
  return out;
}

v1::ReloadResponse KeystoreReloader::Serving() const {
  const std::shared_ptr<const keystore::Keystore> current = holder_->Current();
  v1::ReloadResponse out;
  out.set_key_count(static_cast<uint32_t>(current->keys().size()));
  out.set_generation(holder_->generation());
  const timespec loaded_at = absl::ToTimespec(current->loaded_at());
  out.mutable_loaded_at()->set_seconds(loaded_at.tv_sec);
  out.mutable_loaded_at()->set_nanos(static_cast<int32_t>(loaded_at.tv_nsec));
  return out;
}

}  // namespace keyward::service
