#ifndef KEYWARD_SERVICE_SERVER_NAME_H_
#define KEYWARD_SERVICE_SERVER_NAME_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::service {

// Limits of a DNS host name (RFC 1035 §2.3.4, as SNI carries it).
inline constexpr size_t kMaxServerNameLength = 253;
inline constexpr size_t kMaxLabelLength = 63;

// NormalizeServerName checks an SNI host name taken from a request (RFC 6066
// §3: ASCII, no trailing dot) and returns it in lowercase. It must be 1 to
// kMaxServerNameLength characters of ASCII letters, digits, '-' and '.',
// made of labels of 1 to kMaxLabelLength characters (so no leading, trailing
// or doubled dot). A wildcard ("*.example.com") is a certificate name, never
// a name a client asks for, and is refused. Otherwise InvalidArgument naming
// `field`; the message never repeats the name itself, which may hold control
// characters.
absl::StatusOr<std::string> NormalizeServerName(absl::string_view name,
                                                absl::string_view field);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SERVER_NAME_H_
