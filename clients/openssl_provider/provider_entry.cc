// The entry point OpenSSL looks up in a provider module (keyward.so).
#include <openssl/core.h>

#include "clients/openssl_provider/provider.h"

extern "C" __attribute__((visibility("default"))) int OSSL_provider_init(
    const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in,
    const OSSL_DISPATCH** out, void** provctx) {
  return keyward::provider::InitKeywardProvider(handle, in, out, provctx);
}
