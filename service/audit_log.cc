#include "service/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace keyward::service {

std::string AuditLine(const OperationRecord& record) {
  // ordered_json keeps the members in insertion order: "time" first.
  nlohmann::ordered_json line;
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", record.time,
                                  absl::UTCTimeZone());
  line["identity"] = record.identity;
  line["peer"] = record.peer;
  line["request_id"] = record.request_id;
  line["operation"] = record.operation;
  line["pipelined"] = record.pipelined;
  line["key_id"] = record.key_id;
  line["scheme"] = record.scheme;
  line["outcome"] = absl::StatusCodeToString(record.outcome);
  line["latency_us"] = absl::ToInt64Microseconds(record.latency);
  // Compact (no newlines), ASCII only, and invalid UTF-8 replaced rather
  // than thrown on (the default handler throws type_error 316).
  std::string out = line.dump(/*indent=*/-1, /*indent_char=*/' ',
                              /*ensure_ascii=*/true,
                              nlohmann::ordered_json::error_handler_t::replace);
  out.push_back('\n');
  return out;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    const config::AuditConfig& config) {
  if (config.path().empty() || config.path() == "-") {
    return std::unique_ptr<AuditLog>(new AuditLog(
        STDERR_FILENO, /*owns_fd=*/false, "stderr", config.fail_closed()));
  }
  const int fd = open(config.path().c_str(),
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", config.path(),
                     ": cannot open for appending: ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(
      new AuditLog(fd, /*owns_fd=*/true, config.path(), config.fail_closed()));
}

AuditLog::AuditLog(int fd, bool owns_fd, std::string sink, bool fail_closed)
    : fd_(fd),
      owns_fd_(owns_fd),
      sink_(std::move(sink)),
      fail_closed_(fail_closed) {}

AuditLog::~AuditLog() {
  if (owns_fd_) close(fd_);
}

absl::Status AuditLog::Write(const OperationRecord& record) {
  const std::string line = AuditLine(record);
  MutexLock lock(&write_mu_);
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // write(2) returns 0 only for a zero count; treat it as a failure
      // rather than spin.
      const char* reason = n < 0 ? std::strerror(errno) : "nothing written";
      return absl::UnavailableError(
          absl::StrCat("audit log ", sink_, ": cannot write (", written, " of ",
                       line.size(), " bytes written): ", reason));
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace keyward::service
