#ifndef KEYWARD_CLIENTS_CPP_CHANNEL_H_
#define KEYWARD_CLIENTS_CPP_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace keyward::client {

// ChannelOptions: how to reach a Keyward server over mutual TLS.
struct ChannelOptions {
  std::string endpoint;     // "host:port"
  std::string ca_file;      // PEM CA bundle that signed the server
  std::string cert_file;    // PEM client certificate chain
  std::string key_file;     // PEM client private key
  std::string server_name;  // Overrides the name checked in the server
                            // certificate; empty: the endpoint's host.
};

// CreateMutualTlsChannel reads the PEM files and returns a channel that
// presents the client certificate and verifies the server against ca_file.
// NotFound naming the file when one cannot be read; InvalidArgument when
// the endpoint is empty or a file is only half given (cert without key).
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateMutualTlsChannel(
    const ChannelOptions& options);

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_CHANNEL_H_
