#include "service/server_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "service/network_address.h"

namespace keyward::service {
namespace {

constexpr uint32_t kMinReceiveMessageBytes = 4 * 1024;
constexpr uint32_t kMaxWorkerThreads = 1024;
constexpr uint32_t kMaxInlineOperations = 16;

// Collects the text-format parser's first complaint.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) {
      message_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                              message);
    }
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

absl::StatusOr<config::ServerConfig> ParseServerConfig(absl::string_view text) {
  config::ServerConfig out;
  FirstError errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &out)) {
    return absl::InvalidArgumentError(errors.message());
  }
  if (out.listen_address().empty()) {
    out.set_listen_address(std::string(kDefaultListenAddress));
  }
  if (out.shutdown_grace_seconds() == 0) {
    out.set_shutdown_grace_seconds(kDefaultShutdownGraceSeconds);
  }
  *out.mutable_limits() = LimitsWithDefaults(out.limits());
  return out;
}

config::LimitsConfig LimitsWithDefaults(const config::LimitsConfig& limits) {
  config::LimitsConfig out = limits;
  if (out.max_receive_message_bytes() == 0) {
    out.set_max_receive_message_bytes(kDefaultMaxReceiveMessageBytes);
  }
  if (out.max_outstanding_per_stream() == 0) {
    out.set_max_outstanding_per_stream(kDefaultMaxOutstandingPerStream);
  }
  if (out.max_concurrent_streams() == 0) {
    out.set_max_concurrent_streams(kDefaultMaxConcurrentStreams);
  }
  if (out.worker_threads() == 0) {
    out.set_worker_threads(kDefaultWorkerThreadsPerCore *
                           std::max(1u, std::thread::hardware_concurrency()));
  }
  if (out.max_in_flight() == 0) out.set_max_in_flight(kDefaultMaxInFlight);
  if (out.inline_operations() == 0) {
    out.set_inline_operations(kDefaultInlineOperations);
  }
  if (out.max_in_flight_per_identity() == 0) {
    out.set_max_in_flight_per_identity(kDefaultMaxInFlightPerIdentity);
  }
  if (out.burst_per_identity() == 0) {
    out.set_burst_per_identity(out.rate_per_identity());
  }
  if (out.min_client_ping_interval_ms() == 0) {
    out.set_min_client_ping_interval_ms(kDefaultMinClientPingIntervalMs);
  }
  if (out.max_connection_idle_seconds() == 0) {
    out.set_max_connection_idle_seconds(kDefaultMaxConnectionIdleSeconds);
  }
  return out;
}

absl::StatusOr<config::ServerConfig> ReadServerConfigFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<config::ServerConfig> parsed = ParseServerConfig(text.str());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

absl::Status ValidateServerConfig(const config::ServerConfig& config) {
  absl::StatusOr<ListenAddress> address =
      ParseListenAddress(config.listen_address());
  if (!address.ok()) return address.status();
  if (!config.health_listen_address().empty()) {
    absl::StatusOr<ListenAddress> health =
        ParseListenAddress(config.health_listen_address());
    if (!health.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("health_listen_address: ", health.status().message()));
    }
  }
  const config::LimitsConfig& limits = config.limits();
  if (limits.max_receive_message_bytes() != 0 &&
      limits.max_receive_message_bytes() < kMinReceiveMessageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("limits.max_receive_message_bytes: at least ",
                     kMinReceiveMessageBytes));
  }
  if (limits.worker_threads() > kMaxWorkerThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("limits.worker_threads: at most ", kMaxWorkerThreads));
  }
  if (limits.inline_operations() > kMaxInlineOperations) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limits.inline_operations: at most ", kMaxInlineOperations));
  }
  for (const std::string& identity : config.admin_identities()) {
    if (identity.empty()) {
      return absl::InvalidArgumentError("admin_identities: empty identity");
    }
  }
  if (!config.has_tls()) {
    if (!IsLoopback(*address)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to listen on ", config.listen_address(),
          " without TLS: it is not a loopback address; configure tls { "
          "server_cert_file server_key_file client_ca_file }"));
    }
    if (!config.allow_plaintext_on_loopback()) {
      return absl::FailedPreconditionError(
          "no tls block: set tls { ... } or, for loopback only, "
          "allow_plaintext_on_loopback: true");
    }
    return absl::OkStatus();
  }
  const config::TlsConfig& tls = config.tls();
  if (tls.server_cert_file().empty()) {
    return absl::InvalidArgumentError("tls.server_cert_file is empty");
  }
  if (tls.server_key_file().empty()) {
    return absl::InvalidArgumentError("tls.server_key_file is empty");
  }
  if (tls.client_ca_file().empty()) {
    return absl::InvalidArgumentError(
        "tls.client_ca_file is empty: clients must present certificates");
  }
  return absl::OkStatus();
}

}  // namespace keyward::service
