#include "service/field_checks.h"

#include "absl/strings/str_cat.h"

namespace keyward::service {

absl::Status InvalidField(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status WithinField(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat(prefix, ".", status.message()));
}

absl::Status CheckLength(absl::string_view field, absl::string_view value,
                         size_t want) {
  if (value.size() == want) return absl::OkStatus();
  return InvalidField(field, absl::StrCat(value.size(), " bytes, want ", want));
}

absl::Status CheckMaxLength(absl::string_view field, absl::string_view value,
                            size_t max) {
  if (value.size() <= max) return absl::OkStatus();
  return InvalidField(field,
                      absl::StrCat(value.size(), " bytes, at most ", max));
}

absl::Status FirstError(std::initializer_list<absl::Status> statuses) {
  for (const absl::Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace keyward::service
