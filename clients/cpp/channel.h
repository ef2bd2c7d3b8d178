#ifndef KEYWARD_CLIENTS_CPP_CHANNEL_H_
#define KEYWARD_CLIENTS_CPP_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/cpp/client_options.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace keyward::client {

// ChannelOptions: how to reach one Keyward server over mutual TLS.
struct ChannelOptions {
  std::string endpoint;     // "host:port"
  std::string ca_file;      // PEM CA bundle that signed the server
  std::string cert_file;    // PEM client certificate chain
  std::string key_file;     // PEM client private key
  std::string server_name;  // Overrides the name checked in the server
                            // certificate; empty: the endpoint's host.
};

// MutualTlsCredentials reads the PEM files: the client presents cert_file
// and verifies the server against ca_file (the system roots when empty).
// NotFound naming the file when one cannot be read; InvalidArgument when
// only one of cert_file and key_file is given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MutualTlsCredentials(
    const std::string& ca_file, const std::string& cert_file,
    const std::string& key_file);

// CreateMutualTlsChannel returns a channel to one endpoint. Errors as for
// MutualTlsCredentials, and InvalidArgument for an empty endpoint.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateMutualTlsChannel(
    const ChannelOptions& options);

// CreateBalancedChannel returns a channel over all of `options.endpoints`:
// round-robin across healthy replicas (grpc.health.v1 checks), and retries
// of UNAVAILABLE calls with jittered exponential backoff, both done by
// gRPC from a service config. InvalidArgument for no endpoints, a mix of
// DNS names and IP literals or several DNS names, or retry settings out of
// range; file errors as for MutualTlsCredentials.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateBalancedChannel(
    const KeywardClientOptions& options);

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_CHANNEL_H_
