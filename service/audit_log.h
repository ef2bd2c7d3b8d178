#ifndef KEYWARD_SERVICE_AUDIT_LOG_H_
#define KEYWARD_SERVICE_AUDIT_LOG_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/mutex.h"
#include "service/operation_record.h"
#include "service/server_config.pb.h"

namespace keyward::service {

// AuditLine returns the audit record of `record`: one JSON object on one
// line, terminated by "\n", with the members, in this order,
//   "time"        RFC 3339 UTC with microseconds,
//                 e.g. "2026-11-27T16:05:01.123456Z"
//   "identity", "peer", "request_id", "operation"   strings
//   "pipelined"   boolean
//   "key_id", "scheme"   strings
//   "outcome"     the canonical gRPC code name, e.g. "OK", "NOT_FOUND"
//   "latency_us"  integer microseconds, truncated
// Every member is always present; a field that is unset is "". The strings
// are attacker-influenced (the peer, the request id), so the line is pure
// printable ASCII: quotes, control characters and all non-ASCII characters
// are \u-escaped (no raw newline, no terminal escape, no U+2028), and each
// invalid UTF-8 sequence becomes U+FFFD. Never fails.
std::string AuditLine(const OperationRecord& record);

// AuditLog appends the AuditLine of each finished operation to the sink that
// config::AuditConfig names: a file, or standard error. Thread-safe.
class AuditLog {
 public:
  // Open opens the sink of `config`: standard error when config.path() is
  // empty or "-", otherwise the file at config.path(), opened for appending
  // and created with mode 0600 if absent (an existing file keeps its mode).
  // Fails with FailedPrecondition naming the path and the reason when the
  // file cannot be opened (e.g. its directory does not exist).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      const config::AuditConfig& config);

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Write appends AuditLine(record) with a single write(2) of the whole line
  // (looping only on EINTR or a short write), so that the lines of
  // concurrent writers, including other processes appending to the same
  // file, do not interleave. Fails with Unavailable naming the sink and the
  // reason (e.g. disk full); a line cut short by such a failure may be left
  // behind. Blocks while the sink blocks.
  absl::Status Write(const OperationRecord& record);

  // fail_closed is config.fail_closed(): whether operations must be refused
  // when Write fails. AuditLog itself only reports the failure.
  bool fail_closed() const { return fail_closed_; }

 private:
  AuditLog(int fd, bool owns_fd, std::string sink, bool fail_closed);

  const int fd_;
  const bool owns_fd_;
  // The path of the file, or "stderr": for error messages.
  const std::string sink_;
  const bool fail_closed_;
  // Serialises Write, so that a line finished by a second write(2) after a
  // short one is still not interleaved with this process's other lines.
  Mutex write_mu_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_AUDIT_LOG_H_
