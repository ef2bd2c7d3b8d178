#include "service/operation_monitor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/log.h"

namespace keyward::service {

OperationMonitor::OperationMonitor(AdmissionControl* admission,
                                   AuditLog* audit, Metrics* metrics)
    : admission_(admission), audit_(audit), metrics_(metrics) {}

absl::StatusOr<AdmissionTicket> OperationMonitor::Admit(
    absl::string_view identity) {
  absl::StatusOr<AdmissionTicket> ticket = admission_->Admit(identity);
  if (ticket.ok()) metrics_->AddInFlight(1);
  return ticket;
}

absl::Status OperationMonitor::Finish(OperationRecord& record,
                                      absl::Status status,
                                      std::optional<AdmissionTicket> ticket) {
  record.latency = absl::Now() - record.time;
  record.outcome = status.code();
  if (absl::Status written = audit_->Write(record); !written.ok()) {
    if (audit_->fail_closed()) {
      status = absl::UnavailableError(
          "the audit log cannot be written; operations are refused until it "
          "can (audit.fail_closed)");
      record.outcome = status.code();
    } else {
      Log(LogLevel::kError, absl::StrCat("audit log: ", written.message(),
                                         " (audit.fail_closed is off: the "
                                         "operation was answered)"));
    }
  }
  metrics_->RecordOperation(record);
  if (ticket.has_value()) {
    ticket.reset();
    metrics_->AddInFlight(-1);
  }
  return status;
}

}  // namespace keyward::service
