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
inline constexpr uint32_t kDefaultMaxReceiveMessageBytes = 68 * 1024;
inline constexpr uint32_t kDefaultMaxOutstandingPerStream = 1024;
inline constexpr uint32_t kDefaultMaxConcurrentStreams = 100;
inline constexpr uint32_t kDefaultTlsReloadIntervalSeconds = 5;
inline constexpr uint32_t kDefaultMaxInFlight = 4096;
inline constexpr uint32_t kDefaultMaxInFlightPerIdentity = 1024;
inline constexpr uint32_t kDefaultMinClientPingIntervalMs = 10000;
inline constexpr uint32_t kDefaultMaxConnectionIdleSeconds = 300;
inline constexpr uint32_t kDefaultInlineOperations = 1;
// Worker threads per CPU core by default. One per core left the cores
// idle between operations: the answers of a busy stream or of many unary
// calls came out one by one, each its own write and its own wake-up of the
// client. With two, several finish together and go out in one write (a
// response batch, or HTTP/2 frames of several calls in one TLS write): on
// 2 cores ECDSA P-256 over a stream at 256 in flight rose from 0.44-0.53 to
// 0.54-0.59 of raw OpenSSL, and the load generator's CPU per operation
// halved (bench/load --server_worker_threads=2,4,6, interleaved runs).
inline constexpr uint32_t kDefaultWorkerThreadsPerCore = 2;

// LimitsWithDefaults returns `limits` with every 0 field set to its default
// (worker_threads: kDefaultWorkerThreadsPerCore per CPU core, at least 2).
config::LimitsConfig LimitsWithDefaults(const config::LimitsConfig& limits);

// ParseServerConfig parses protobuf text format and fills in defaults
// (limits included, see LimitsWithDefaults). Fails
// with InvalidArgument quoting the parser's line and column.
absl::StatusOr<config::ServerConfig> ParseServerConfig(absl::string_view text);

// ReadServerConfigFile reads and parses `path`. NotFound when the file
// cannot be read; InvalidArgument (naming the file) when it does not parse.
absl::StatusOr<config::ServerConfig> ReadServerConfigFile(
    const std::string& path);

// ValidateServerConfig checks a complete configuration (after flag
// overrides). FailedPrecondition when the data plane would listen without
// TLS on anything but loopback; InvalidArgument naming the field for an
// incomplete TLS block, a malformed address, a limit out of range
// (max_receive_message_bytes below 4 KiB, worker_threads above 1024) or an
// empty admin identity.
absl::Status ValidateServerConfig(const config::ServerConfig& config);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SERVER_CONFIG_H_
