#ifndef KEYWARD_CLIENTS_EDGE_SNI_ROUTER_H_
#define KEYWARD_CLIENTS_EDGE_SNI_ROUTER_H_

#include <openssl/ssl.h>

#include <memory>
#include <vector>

#include "clients/edge/site.h"

namespace keyward::edge {

// SniRouter chooses, for each connection, the site whose certificate
// covers the host name the client sent (RFC 6066 §3 server_name): the
// first site that names it exactly, else the first that covers it through
// a wildcard, else the first site (also for clients that send no name).
// Immutable; shared by all connections.
class SniRouter {
 public:
  // SniRouter takes `sites` (at least one) and registers itself as the
  // servername callback of the first site's SSL_CTX, on which every
  // connection starts. The router must outlive the connections.
  explicit SniRouter(std::vector<std::unique_ptr<Site>> sites);
  SniRouter(const SniRouter&) = delete;
  SniRouter& operator=(const SniRouter&) = delete;

  // Select returns the site for `host` (null: none sent).
  const Site& Select(const char* host) const;

  // initial_ctx: the SSL_CTX new connections are created from.
  SSL_CTX* initial_ctx() const { return sites_.front()->ssl_ctx(); }

 private:
  static int OnServerName(SSL* ssl, int* alert, void* router);

  const std::vector<std::unique_ptr<Site>> sites_;
};

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_SNI_ROUTER_H_
