#ifndef KEYWARD_SERVICE_SERVER_CONFIG_H_
#define KEYWARD_SERVICE_SERVER_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/server_config.pb.h"

namespace keyward::service {

// Defaults for fields left unset in the configuration file.
inline constexpr absl::string_view kDefaultListenAddress = "127.0.0.1:8443";
inline constexpr uint32_t kDefaultShutdownGraceSeconds = 10;

// ParseServerConfig parses protobuf text format and fills in defaults. Fails
// with InvalidArgument quoting the parser's line and column.
absl::StatusOr<config::ServerConfig> ParseServerConfig(absl::string_view text);

// ReadServerConfigFile reads and parses `path`. NotFound when the file
// cannot be read; InvalidArgument (naming the file) when it does not parse.
absl::StatusOr<config::ServerConfig> ReadServerConfigFile(
    const std::string& path);

// ValidateServerConfig checks a complete configuration (after flag
// overrides). FailedPrecondition when the data plane would listen without
// TLS on anything but loopback; InvalidArgument naming the field for an
// incomplete TLS block or a malformed address.
absl::Status ValidateServerConfig(const config::ServerConfig& config);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SERVER_CONFIG_H_
