#ifndef KEYWARD_SERVICE_NETWORK_ADDRESS_H_
#define KEYWARD_SERVICE_NETWORK_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::service {

// ListenAddress is a parsed gRPC listen address.
struct ListenAddress {
  std::string host;  // Without brackets; empty for a unix socket.
  int port = 0;      // 0 means "pick a free port"; unused for unix sockets.
  bool is_unix_socket = false;
};

// ParseListenAddress parses "host:port", "[v6]:port" or "unix:/path".
// Returns InvalidArgument, naming the problem, for anything else (no port,
// port out of range, empty host, a host with characters outside a DNS name
// or an IP literal).
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view address);

// IsLoopback reports whether traffic to `address` can only come from this
// machine: a unix socket, "localhost", 127.0.0.0/8 or ::1. A wildcard
// address (0.0.0.0, ::) or any host name other than "localhost" is not
// loopback.
bool IsLoopback(const ListenAddress& address);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_NETWORK_ADDRESS_H_
