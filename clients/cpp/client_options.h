#ifndef KEYWARD_CLIENTS_CPP_CLIENT_OPTIONS_H_
#define KEYWARD_CLIENTS_CPP_CLIENT_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace keyward::client {

// KeywardClientOptions: how a KeywardClient reaches the key service.
struct KeywardClientOptions {
  // Replicas, each "host:port". Several IP literals ("10.0.0.1:8443",
  // "[fd00::1]:8443") are balanced round-robin with health checking; a
  // single DNS name ("keyward.ns.svc:8443") is resolved to all its
  // addresses, which are balanced the same way.
  std::vector<std::string> endpoints;

  // Mutual TLS: CA bundle that signed the servers, and this client's
  // certificate chain and private key (PEM files).
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Name to verify in the server certificate; default: the host of the
  // first endpoint.
  std::string server_name;

  // Deadline of a call that does not set its own.
  absl::Duration default_timeout = absl::Seconds(2);

  // Retries: every Keyward operation is idempotent, so a call that fails
  // with UNAVAILABLE (a connection broke) or CANCELLED by the server (its
  // replica shut down under it) is retried on another replica, up to max_attempts in all (2..5), with exponential
  // backoff between initial_backoff and max_backoff, jittered by gRPC.
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(20);
  absl::Duration max_backoff = absl::Seconds(1);

  // How long GetKey answers (public keys and chains) are served from the
  // client's cache before they are fetched again. Zero disables the cache.
  absl::Duration key_cache_ttl = absl::Minutes(5);
};

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_CLIENT_OPTIONS_H_
