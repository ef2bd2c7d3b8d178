#ifndef KEYWARD_CLIENTS_EDGE_SITE_H_
#define KEYWARD_CLIENTS_EDGE_SITE_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/openssl_provider/openssl_ptr.h"

namespace keyward::edge {

// Site: one certificate chain and its private key, ready to serve as an
// SSL_CTX (TLS 1.2 and 1.3, OpenSSL's default cipher suites and groups).
// Immutable after creation; shared by all connections.
class Site {
 public:
  // Create reads the PEM chain in `chain_file` (leaf first) and opens the
  // key `key_uri` with OSSL_STORE in `libctx` (see LoadPrivateKey), so a
  // keyward: URI needs the keyward provider loaded there; the key service
  // must answer. FailedPrecondition when the chain cannot be read or the
  // key does not match the leaf certificate; otherwise as LoadPrivateKey.
  static absl::StatusOr<std::unique_ptr<Site>> Create(
      OSSL_LIB_CTX* libctx, const std::string& chain_file,
      const std::string& key_uri);

  SSL_CTX* ssl_ctx() const { return ctx_.get(); }
  // name: the leaf certificate's subject common name, for logs.
  const std::string& name() const { return name_; }

  // Covers reports whether the leaf certificate names `host` (RFC 6125
  // matching): exactly, or, with `allow_wildcards`, also through a
  // wildcard name such as "*.example.test".
  bool Covers(const char* host, bool allow_wildcards) const;

 private:
  Site(openssl::SslCtxPtr ctx, std::string name)
      : ctx_(std::move(ctx)), name_(std::move(name)) {}

  const openssl::SslCtxPtr ctx_;
  const std::string name_;
};

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_SITE_H_
