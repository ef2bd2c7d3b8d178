// ENGINE_get_default_RSA is deprecated in OpenSSL 3.0, but it is the only
// way to see an ENGINE that OpenSSL's configuration made the default RSA
// implementation; this file asks for nothing else of that API.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "keystore/rsa_crt_check.h"

#include <openssl/engine.h>
#include <openssl/provider.h>

#include "absl/strings/string_view.h"

namespace keyward::keystore {

bool OpenSslChecksRsaCrt(const EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return false;
  }
  // A key without a provider is a legacy key, which may carry any
  // RSA_METHOD.
  const OSSL_PROVIDER* provider = EVP_PKEY_get0_provider(key);
  if (provider == nullptr) return false;
  const absl::string_view name = OSSL_PROVIDER_get0_name(provider);
  if (name != "default" && name != "fips") return false;
  ENGINE* engine = ENGINE_get_default_RSA();
  if (engine != nullptr) {
    ENGINE_finish(engine);
    return false;
  }
  return true;
}

}  // namespace keyward::keystore
