#include "clients/edge/testing/audit_records.h"

#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace keyward::edge::testing {

absl::StatusOr<int> CountAuditRecords(const std::string& path,
                                      const AuditQuery& query) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  int count = 0;
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json record =
        nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object()) {
      return absl::InternalError(absl::StrCat("not JSON: ", line));
    }
    if (record.value("operation", "") == query.operation &&
        record.value("key_id", "") == query.key_id &&
        (query.scheme.empty() || record.value("scheme", "") == query.scheme) &&
        record.value("outcome", "") == query.outcome) {
      ++count;
    }
  }
  return count;
}

}  // namespace keyward::edge::testing
