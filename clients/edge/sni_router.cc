#include "clients/edge/sni_router.h"

#include <utility>

namespace keyward::edge {

SniRouter::SniRouter(std::vector<std::unique_ptr<Site>> sites)
    : sites_(std::move(sites)) {
  SSL_CTX_set_tlsext_servername_callback(initial_ctx(), &OnServerName);
  SSL_CTX_set_tlsext_servername_arg(initial_ctx(), this);
}

const Site& SniRouter::Select(const char* host) const {
  if (host != nullptr) {
    for (bool wildcards : {false, true}) {
      for (const std::unique_ptr<Site>& site : sites_) {
        if (site->Covers(host, wildcards)) return *site;
      }
    }
  }
  return *sites_.front();
}

int SniRouter::OnServerName(SSL* ssl, int* /*alert*/, void* router) {
  const Site& site = static_cast<const SniRouter*>(router)->Select(
      SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
  if (site.ssl_ctx() != SSL_get_SSL_CTX(ssl)) {
    SSL_set_SSL_CTX(ssl, site.ssl_ctx());
  }
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace keyward::edge
