#include "keystore/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace keyward::keystore {
namespace {

// OpenFile owns a read-only file descriptor.
class OpenFile {
 public:
  explicit OpenFile(const std::string& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  const int fd_;
};

absl::Status FileError(const std::string& path, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

// ReadInto appends the rest of `fd` to `out`, refusing files larger than
// kMaxKeystoreFileSize. Reads straight into `out` so that no other buffer
// holds the contents.
template <typename Buffer>
absl::Status ReadInto(int fd, const std::string& path, Buffer& out) {
  constexpr size_t kChunk = 4096;
  for (;;) {
    const size_t used = out.size();
    if (used > kMaxKeystoreFileSize) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": larger than ", kMaxKeystoreFileSize, " bytes"));
    }
    out.resize(used + kChunk);
    const ssize_t n = read(fd, &out[used], kChunk);
    if (n < 0 && errno == EINTR) {
      out.resize(used);
      continue;
    }
    if (n < 0) return FileError(path, "cannot read");
    out.resize(used + static_cast<size_t>(n));
    if (n == 0) return absl::OkStatus();
  }
}

// SecretModeIsPrivate: no access for group or others; or, for a file owned
// by root, read access for its group only. The second form is how
// Kubernetes hands a Secret to a non-root container (root-owned, group =
// the pod's fsGroup, mode 0440), and what PostgreSQL accepts for its key:
// the file can be neither changed by the service nor read by anyone outside
// the group root chose.
bool SecretModeIsPrivate(const struct stat& st) {
  if ((st.st_mode & 077) == 0) return true;
  return st.st_uid == 0 && (st.st_mode & 037) == 0;
}

// CheckRegular checks that `file` (opened from `path`) is a regular file
// of at most kMaxKeystoreFileSize bytes and, when `secret`, that its mode
// is private (SecretModeIsPrivate). Fills `st`.
absl::Status CheckRegular(const OpenFile& file, const std::string& path,
                          bool secret, struct stat& st) {
  if (file.fd() < 0) return FileError(path, "cannot open");
  if (fstat(file.fd(), &st) != 0) return FileError(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a regular file"));
  }
  if (secret && !SecretModeIsPrivate(st)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: permissions %04o are too open: a file holding a private key or "
        "passphrase must not be accessible by group or others (chmod 600; "
        "a root-owned file may be readable by its group: 0440)",
        path, st.st_mode & 07777));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxKeystoreFileSize) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": larger than ", kMaxKeystoreFileSize, " bytes"));
  }
  return absl::OkStatus();
}

template <typename Buffer>
absl::StatusOr<Buffer> ReadFile(const std::string& path, bool secret) {
  OpenFile file(path);
  struct stat st;
  if (absl::Status status = CheckRegular(file, path, secret, st);
      !status.ok()) {
    return status;
  }
  Buffer out;
  // One allocation for files that do not grow while being read.
  out.reserve(static_cast<size_t>(st.st_size) + 4096);
  if (absl::Status status = ReadInto(file.fd(), path, out); !status.ok()) {
    return status;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ReadPublicFile(const std::string& path) {
  return ReadFile<std::string>(path, /*secret=*/false);
}

absl::StatusOr<handshake::SecretBytes> ReadSecretFile(const std::string& path) {
  return ReadFile<handshake::SecretBytes>(path, /*secret=*/true);
}

}  // namespace keyward::keystore
