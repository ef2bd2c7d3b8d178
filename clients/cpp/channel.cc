#include "clients/cpp/channel.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace keyward::client {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(what, ": cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// SplitHostPort splits "host:port" or "[v6]:port"; the host without
// brackets.
bool SplitHostPort(absl::string_view endpoint, std::string* host) {
  size_t colon = endpoint.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  absl::string_view h = endpoint.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  *host = std::string(h);
  return true;
}

enum class HostKind { kIpv4, kIpv6, kName };

HostKind Classify(const std::string& host) {
  unsigned char buffer[16];
  if (inet_pton(AF_INET, host.c_str(), buffer) == 1) return HostKind::kIpv4;
  if (inet_pton(AF_INET6, host.c_str(), buffer) == 1) return HostKind::kIpv6;
  return HostKind::kName;
}

// ServiceConfig: round_robin over the resolved addresses, each checked with
// grpc.health.v1, and retries for every Keyward method (all are idempotent;
// see proto/keyward/v1/key_service.proto) of UNAVAILABLE and of CANCELLED,
// which is what a call racing a replica's shutdown gets from the server
// (a call the caller cancels itself is never retried).
std::string ServiceConfig(const KeywardClientOptions& options) {
  return absl::StrFormat(
      R"({"loadBalancingConfig": [{"round_robin": {}}],)"
      R"( "healthCheckConfig": {"serviceName": ""},)"
      R"( "methodConfig": [{"name": [{"service": "keyward.v1.KeyService"},)"
      R"( {"service": "keyward.v1.AdminService"}],)"
      R"( "retryPolicy": {"maxAttempts": %d, "initialBackoff": "%.3fs",)"
      R"( "maxBackoff": "%.3fs", "backoffMultiplier": 2,)"
      R"( "retryableStatusCodes": ["UNAVAILABLE", "CANCELLED"]}}]})",
      options.max_attempts, absl::ToDoubleSeconds(options.initial_backoff),
      absl::ToDoubleSeconds(options.max_backoff));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MutualTlsCredentials(
    const std::string& ca_file, const std::string& cert_file,
    const std::string& key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs its key, and a key its certificate");
  }
  grpc::SslCredentialsOptions ssl;
  if (!ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(ca_file, "CA file");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(cert_file, "certificate file");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(key_file, "key file");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateMutualTlsChannel(
    const ChannelOptions& options) {
  if (options.endpoint.empty()) {
    return absl::InvalidArgumentError("endpoint is empty");
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MutualTlsCredentials(options.ca_file, options.cert_file,
                           options.key_file);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) {
    args.SetSslTargetNameOverride(options.server_name);
  }
  return grpc::CreateCustomChannel(options.endpoint, *credentials, args);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateBalancedChannel(
    const KeywardClientOptions& options) {
  if (options.endpoints.empty()) {
    return absl::InvalidArgumentError("endpoints is empty");
  }
  if (options.max_attempts < 2 || options.max_attempts > 5) {
    return absl::InvalidArgumentError("max_attempts must be 2..5");
  }
  std::vector<std::string> hosts;
  std::vector<HostKind> kinds;
  for (const std::string& endpoint : options.endpoints) {
    std::string host;
    if (!SplitHostPort(endpoint, &host)) {
      return absl::InvalidArgumentError(
          absl::StrCat("endpoint \"", endpoint, "\" is not host:port"));
    }
    hosts.push_back(host);
    kinds.push_back(Classify(host));
  }
  std::string target;
  if (kinds.size() == 1 && kinds[0] == HostKind::kName) {
    target = absl::StrCat("dns:///", options.endpoints[0]);
  } else {
    for (HostKind kind : kinds) {
      if (kind != kinds[0] || kind == HostKind::kName) {
        return absl::InvalidArgumentError(
            "endpoints: give one DNS name, or IP literals of one family");
      }
    }
    target = absl::StrCat(kinds[0] == HostKind::kIpv4 ? "ipv4:" : "ipv6:",
                          absl::StrJoin(options.endpoints, ","));
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MutualTlsCredentials(options.ca_file, options.cert_file,
                           options.key_file);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(
      options.server_name.empty() ? hosts[0] : options.server_name);
  args.SetServiceConfigJSON(ServiceConfig(options));
  return grpc::CreateCustomChannel(target, *credentials, args);
}

}  // namespace keyward::client
