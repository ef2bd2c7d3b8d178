#ifndef KEYWARD_CLIENTS_EDGE_TESTING_TLS_CLIENTS_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_TLS_CLIENTS_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::edge::testing {

// TlsClient: TLS clients we did not write, each run as a process.
enum class TlsClient {
  kOpenSslSClient,  // /usr/bin/openssl s_client
  kCurl,            // /usr/bin/curl
  kPython,          // /usr/bin/python3, the ssl module (tls_get.py)
};

// TlsClientName: "SClient", "Curl", "Python" (test name parts).
std::string TlsClientName(TlsClient client);
// PrintTo: the name, for gtest.
void PrintTo(TlsClient client, std::ostream* out);

// TlsRequest: one HTTPS GET to 127.0.0.1.
struct TlsRequest {
  int port = 0;
  // Sent as SNI and verified in the server certificate.
  std::string host;
  // CA bundle the server certificate must chain to.
  std::string ca_file;
  // "1.2" or "1.3": the only version allowed.
  std::string version;
  // TLS 1.2 cipher suite (OpenSSL name); empty: the client's defaults.
  std::string cipher;
  // s_client only: -sigalgs (e.g. "RSA+SHA256"); empty: the defaults.
  std::string sigalgs;
  // OPENSSL_CONF for the client (e.g. one that disables extended master
  // secret); empty: the system configuration.
  std::string openssl_conf;
};

// TlsResult: what the client reports.
struct TlsResult {
  // The handshake completed and a 200 response was read.
  bool ok = false;
  // As OpenSSL names them: "TLSv1.3", "TLS_AES_256_GCM_SHA384".
  std::string version;
  std::string cipher;
  // Lowercase hex SHA-256 of the server's leaf certificate (DER): s_client
  // and python.
  std::string certificate_sha256;
  // The leaf certificate's subject common name: s_client and curl.
  std::string certificate_cn;
  // "yes"/"no" for TLS 1.2 (s_client only); empty otherwise.
  std::string extended_master_secret;
  // The response body.
  std::string body;
  // Everything the client printed, for failure messages.
  std::string transcript;
};

// RunTlsClient runs `client` for `request` and parses its output. The
// result's ok is false when the handshake or the request failed (with the
// client's output in transcript); an error status only when the client
// could not be run at all or hung (60 s).
absl::StatusOr<TlsResult> RunTlsClient(TlsClient client,
                                       const TlsRequest& request);

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_TLS_CLIENTS_H_
