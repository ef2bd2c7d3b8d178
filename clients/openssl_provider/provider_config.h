#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONFIG_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONFIG_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/cpp/client_options.h"

namespace keyward::provider {

// ProviderSettings: how the provider reaches the key service, as written in
// its openssl.cnf section or in the environment:
//
//   openssl.cnf key   environment variable   meaning
//   endpoint          KEYWARD_ENDPOINT       host:port[,host:port...]
//   ca                KEYWARD_CA             CA bundle of the service (PEM)
//   cert              KEYWARD_CERT           client certificate chain (PEM)
//   key               KEYWARD_KEY            client private key (PEM)
//   timeout           KEYWARD_TIMEOUT        deadline of each call, e.g.
//                                            "2s", "500ms" (default 2s)
//
// A value in the configuration section wins over the environment.
struct ProviderSettings {
  std::string endpoint;
  std::string ca;
  std::string cert;
  std::string key;
  std::string timeout;
};

// Lookup returns the value of one setting (by openssl.cnf key or
// environment variable name), or nothing when it is not set.
using Lookup = std::function<std::optional<std::string>(const std::string&)>;

// MergeSettings fills each setting from `config` (openssl.cnf keys) and,
// where the configuration leaves it unset or empty, from `environment`
// (the variable names above).
ProviderSettings MergeSettings(const Lookup& config, const Lookup& environment);

// ClientOptionsFrom turns settings into KeywardClient options.
// InvalidArgument naming the setting (by both of its names) when the
// endpoint, CA, certificate or key is missing (the service requires mutual
// TLS), or the timeout is not a positive duration.
absl::StatusOr<client::KeywardClientOptions> ClientOptionsFrom(
    const ProviderSettings& settings);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONFIG_H_
