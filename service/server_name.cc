#include "service/server_name.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace keyward::service {
namespace {

bool IsHostNameCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.';
}

}  // namespace

absl::StatusOr<std::string> NormalizeServerName(absl::string_view name,
                                                absl::string_view field) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty"));
  }
  if (name.size() > kMaxServerNameLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", name.size(),
                                                   " characters, at most ",
                                                   kMaxServerNameLength));
  }
  if (absl::StartsWith(name, "*.")) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        ": a wildcard is a certificate name, not a host name to ask "
        "for"));
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '.') {
      if (!IsHostNameCharacter(name[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": byte 0x",
            absl::Hex(static_cast<unsigned char>(name[i]), absl::kZeroPad2),
            " at offset ", i, " is not a letter, digit, '-' or '.'"));
      }
      continue;
    }
    const size_t label_length = i - label_start;
    if (label_length == 0 || label_length > kMaxLabelLength) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": label at offset ", label_start, " has ", label_length,
          " characters, want 1 to ", kMaxLabelLength));
    }
    label_start = i + 1;
  }
  return absl::AsciiStrToLower(name);
}

}  // namespace keyward::service
