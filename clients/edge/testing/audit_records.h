#ifndef KEYWARD_CLIENTS_EDGE_TESTING_AUDIT_RECORDS_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_AUDIT_RECORDS_H_

#include <string>

#include "absl/status/statusor.h"

namespace keyward::edge::testing {

// AuditQuery: which records of the key service's audit log to count.
struct AuditQuery {
  std::string operation;  // e.g. "Sign", "DecryptPreMaster"
  std::string key_id;
  // Empty: any scheme.
  std::string scheme;
  std::string outcome = "OK";
};

// CountAuditRecords counts the JSON lines of the audit log at `path`
// (service/audit_log.h) that match `query`. The service writes a record
// before it answers, so a finished handshake's records are there. NotFound
// when the file cannot be read; Internal naming a line that is not JSON.
absl::StatusOr<int> CountAuditRecords(const std::string& path,
                                      const AuditQuery& query);

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_AUDIT_RECORDS_H_
