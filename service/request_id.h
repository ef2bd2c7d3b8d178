#ifndef KEYWARD_SERVICE_REQUEST_ID_H_
#define KEYWARD_SERVICE_REQUEST_ID_H_

#include <cstddef>
#include <iterator>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/string_ref.h"

namespace keyward::service {

// kRequestIdMetadataKey is the client metadata a caller may set to tie the
// audit records of its calls to its own logs.
inline constexpr absl::string_view kRequestIdMetadataKey = "x-request-id";

// kMaxRequestIdLength bounds a request id.
inline constexpr size_t kMaxRequestIdLength = 128;

// RequestIdFromMetadata returns the caller's request id from a call's
// client metadata: "" when absent. InvalidArgument naming x-request-id when
// it is given more than once, is longer than kMaxRequestIdLength, or holds
// anything but printable ASCII without spaces (0x21..0x7e), so that what the
// audit log records is exactly what the caller sent and nothing that could
// be mistaken for log structure.
absl::StatusOr<std::string> RequestIdFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_REQUEST_ID_H_
