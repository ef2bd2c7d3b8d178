#include "service/keystore_watch.h"

#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "keystore/manifest.h"

namespace keyward::service {
namespace {

// Describe appends what stat(2) says of `path`, symlinks followed.
void Describe(const std::string& path, std::string* out) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    absl::StrAppend(out, path, " errno ", errno, "\n");
    return;
  }
  absl::StrAppend(out, path, " dev ", st.st_dev, " ino ", st.st_ino, " size ",
                  st.st_size, " mode ", st.st_mode, " uid ", st.st_uid,
                  " mtime ", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec,
                  " ctime ", st.st_ctim.tv_sec, ".", st.st_ctim.tv_nsec, "\n");
}

}  // namespace

std::string KeystoreFingerprint(const std::string& directory) {
  const std::string manifest =
      absl::StrCat(directory, "/", keystore::kManifestFileName);
  std::string out;
  Describe(manifest, &out);
  // A manifest that does not parse names no files; its own entry changes
  // when it is fixed.
  absl::StatusOr<std::vector<keystore::KeySpec>> specs =
      keystore::ReadManifestFile(manifest);
  if (!specs.ok()) return out;
  for (const keystore::KeySpec& spec : *specs) {
    const keystore::KeyConfig& key = spec.config;
    // Absent ones (no passphrase file, say) are skipped rather than taken
    // for the directory itself.
    for (const std::string* file :
         {&key.private_key_file(), &key.certificate_chain_file(),
          &key.passphrase_file()}) {
      if (!file->empty()) Describe(absl::StrCat(directory, "/", *file), &out);
    }
    // The PIN file of each PKCS #11 token the entry uses.
    for (const std::optional<keystore::Pkcs11Token>* token :
         {&spec.key_token, &spec.certificate_token}) {
      if (token->has_value() && !(*token)->pin_file().empty()) {
        Describe(absl::StrCat(directory, "/", (*token)->pin_file()), &out);
      }
    }
  }
  return out;
}

KeystoreWatch::KeystoreWatch(std::string directory)
    : directory_(std::move(directory)),
      fingerprint_(KeystoreFingerprint(directory_)) {}

KeystoreWatch::~KeystoreWatch() { Stop(); }

bool KeystoreWatch::CheckOnce() {
  std::string now = KeystoreFingerprint(directory_);
  MutexLock lock(&mu_);
  if (now == fingerprint_) return false;
  fingerprint_ = std::move(now);
  return true;
}

void KeystoreWatch::Start(absl::Duration interval,
                          std::function<void()> on_change) {
  checker_ = std::thread([this, interval, on_change = std::move(on_change)] {
    while (!stop_.WaitForNotificationWithTimeout(interval)) {
      if (CheckOnce()) on_change();
    }
  });
}

void KeystoreWatch::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (checker_.joinable()) checker_.join();
}

}  // namespace keyward::service
