#include "service/client_ca_bundle.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "service/log.h"

namespace keyward::service {
namespace {

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("tls.client_ca_file: cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// WriteStaged replaces `path` with `contents` by renaming a new file over
// it, so that the watcher never reads a partial bundle.
absl::Status WriteStaged(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".new";
  const int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write ", temporary));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool complete = written == contents.size() && fsync(fd) == 0;
  close(fd);
  if (!complete || rename(temporary.c_str(), path.c_str()) != 0) {
    unlink(temporary.c_str());
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckCaBundle(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (bio == nullptr) return absl::InternalError("out of memory");
  int certificates = 0;
  ERR_clear_error();
  while (true) {
    X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (certificate == nullptr) break;
    X509_free(certificate);
    ++certificates;
  }
  // The loop ends at the end of the input (PEM_R_NO_START_LINE) or at a
  // block that does not parse.
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  if (ERR_GET_LIB(error) != ERR_LIB_PEM ||
      ERR_GET_REASON(error) != PEM_R_NO_START_LINE) {
    return absl::InvalidArgumentError(
        absl::StrCat("holds a certificate that does not parse (after ",
                     certificates, " good ones)"));
  }
  if (certificates == 0) {
    return absl::InvalidArgumentError("holds no PEM certificate");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ClientCaBundle>> ClientCaBundle::Create(
    std::string source, absl::Duration refresh_interval) {
  absl::StatusOr<std::string> contents = ReadWhole(source);
  if (!contents.ok()) return contents.status();
  if (absl::Status good = CheckCaBundle(*contents); !good.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.client_ca_file: ", source, " ", good.message()));
  }
  const char* tmp = getenv("TMPDIR");
  std::string directory =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                   "/keyward-client-ca-XXXXXX");
  if (mkdtemp(directory.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot create a private directory like ", directory));
  }
  std::string staged = directory + "/client-ca.pem";
  if (absl::Status written = WriteStaged(staged, *contents); !written.ok()) {
    rmdir(directory.c_str());
    return written;
  }
  auto bundle = std::unique_ptr<ClientCaBundle>(
      new ClientCaBundle(std::move(source), std::move(directory),
                         std::move(staged)));
  {
    MutexLock lock(&bundle->mu_);
    bundle->staged_contents_ = *std::move(contents);
  }
  ClientCaBundle* self = bundle.get();
  bundle->refresher_ = std::thread([self, refresh_interval] {
    while (!self->stop_.WaitForNotificationWithTimeout(refresh_interval)) {
      self->Refresh().IgnoreError();  // Refresh logs what it refuses.
    }
  });
  return bundle;
}

ClientCaBundle::ClientCaBundle(std::string source, std::string directory,
                               std::string staged)
    : source_(std::move(source)),
      directory_(std::move(directory)),
      staged_path_(std::move(staged)) {}

ClientCaBundle::~ClientCaBundle() {
  stop_.Notify();
  if (refresher_.joinable()) refresher_.join();
  unlink(staged_path_.c_str());
  rmdir(directory_.c_str());
}

absl::Status ClientCaBundle::Refresh() {
  absl::StatusOr<std::string> contents = ReadWhole(source_);
  absl::Status good = contents.ok() ? CheckCaBundle(*contents)
                                    : contents.status();
  MutexLock lock(&mu_);
  if (!good.ok()) {
    const std::string reason =
        absl::StrCat("tls.client_ca_file: ", source_, " ", good.message(),
                     "; the last good bundle stays in force");
    if (reason != last_refused_) {
      Log(LogLevel::kError, reason);
      last_refused_ = reason;
    }
    return absl::FailedPreconditionError(reason);
  }
  last_refused_.clear();
  if (*contents == staged_contents_) return absl::OkStatus();
  if (absl::Status written = WriteStaged(staged_path_, *contents);
      !written.ok()) {
    return written;
  }
  staged_contents_ = *std::move(contents);
  Log(LogLevel::kInfo,
      absl::StrCat("tls.client_ca_file: ", source_, " changed; new client "
                   "connections are verified against it"));
  return absl::OkStatus();
}

}  // namespace keyward::service
