#ifndef KEYWARD_SERVICE_OPERATION_MONITOR_H_
#define KEYWARD_SERVICE_OPERATION_MONITOR_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/admission.h"
#include "service/audit_log.h"
#include "service/metrics.h"
#include "service/operation_record.h"

namespace keyward::service {

// OperationMonitor is the accounting around every KeyService operation (a
// unary call or one Pipeline request): admission against the limits before
// it runs, then one audit record and the metrics once it is answered.
//
//   absl::StatusOr<AdmissionTicket> ticket = monitor.Admit(identity);
//   ... run the operation only if admitted ...
//   status = monitor.Finish(record, status, std::move(ticket));
//   ... return the result only if status is OK ...
//
// Thread-safe.
class OperationMonitor {
 public:
  // None is owned; all must outlive the monitor.
  OperationMonitor(AdmissionControl* admission, AuditLog* audit,
                   Metrics* metrics);

  // Admit admits one operation of `identity` (AdmissionControl::Admit) and
  // counts it in flight until its ticket is handed to Finish.
  // ResourceExhausted, with a retry hint (RetryAfter), when a limit is hit.
  absl::StatusOr<AdmissionTicket> Admit(absl::string_view identity);

  // Finish accounts for one answered operation: completes `record` with
  // `status` and the latency since record.time, writes its audit record,
  // counts it in the metrics and releases `ticket` (absent when the
  // operation was never admitted). Returns `status`; but when the audit
  // record cannot be written and the audit log fails closed, Unavailable:
  // the caller must then withhold the operation's result.
  absl::Status Finish(OperationRecord& record, absl::Status status,
                      std::optional<AdmissionTicket> ticket);

 private:
  AdmissionControl* const admission_;
  AuditLog* const audit_;
  Metrics* const metrics_;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_OPERATION_MONITOR_H_
