#include "service/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace keyward::service {

namespace {

// AppendString appends `value` as a JSON string. Printable ASCII other than
// the quote and the backslash is copied as it is (every field of an
// ordinary record); any other string is escaped by nlohmann::json: ASCII
// only, and each invalid UTF-8 sequence replaced rather than thrown on (the
// default handler throws type_error 316).
void AppendString(absl::string_view value, std::string* out) {
  const bool plain =
      std::all_of(value.begin(), value.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
      });
  if (plain) {
    absl::StrAppend(out, "\"", value, "\"");
    return;
  }
  out->append(nlohmann::json(std::string(value))
                  .dump(/*indent=*/-1, /*indent_char=*/' ',
                        /*ensure_ascii=*/true,
                        nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::string AuditLine(const OperationRecord& record) {
  // Built member by member, in the documented order: "time" first.
  std::string out = "{\"time\":";
  out.reserve(256);
  AppendString(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", record.time,
                                absl::UTCTimeZone()),
               &out);
  out.append(",\"identity\":");
  AppendString(record.identity, &out);
  out.append(",\"peer\":");
  AppendString(record.peer, &out);
  out.append(",\"request_id\":");
  AppendString(record.request_id, &out);
  out.append(",\"operation\":");
  AppendString(record.operation, &out);
  absl::StrAppend(&out, ",\"pipelined\":", record.pipelined ? "true" : "false",
                  ",\"key_id\":");
  AppendString(record.key_id, &out);
  out.append(",\"scheme\":");
  AppendString(record.scheme, &out);
  out.append(",\"outcome\":");
  AppendString(absl::StatusCodeToString(record.outcome), &out);
  absl::StrAppend(&out, ",\"latency_us\":",
                  absl::ToInt64Microseconds(record.latency), "}\n");
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
