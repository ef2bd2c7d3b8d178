#include "service/request_id.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::service {

absl::StatusOr<std::string> RequestIdFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  const auto [first, last] = metadata.equal_range(grpc::string_ref(
      kRequestIdMetadataKey.data(), kRequestIdMetadataKey.size()));
  if (first == last) return std::string();
  if (std::next(first) != last) {
    return absl::InvalidArgumentError(
        absl::StrCat(kRequestIdMetadataKey, ": given more than once"));
  }
  const grpc::string_ref value = first->second;
  if (value.size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(kRequestIdMetadataKey, ": longer than ",
                     kMaxRequestIdLength, " characters"));
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          kRequestIdMetadataKey,
          ": only printable ASCII characters without spaces are allowed"));
    }
  }
  return std::string(value.data(), value.size());
}

}  // namespace keyward::service
