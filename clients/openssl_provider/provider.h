#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_H_

#include <openssl/core.h>

namespace keyward::provider {

// kProviderName: the name the provider is loaded by ("-provider keyward",
// a "keyward = ..." line in an openssl.cnf providers section), and the
// value of its "provider" property.
inline constexpr char kProviderName[] = "keyward";

// InitKeywardProvider is the provider's OSSL_provider_init_fn; keyward.so
// exports it as OSSL_provider_init, and a program (or test) that links
// the provider in can register it with OSSL_PROVIDER_add_builtin. It reads
// the settings (provider_config.h) from the provider's configuration
// section and the environment and makes a private library context; it
// makes no call to the key service. Fails (returns 0) only when that
// library context cannot be made.
//
// Load the provider after the one doing the real cryptography (e.g. order
// "default" before "keyward" in openssl.cnf, or -provider default
// -provider keyward): with keyward first, libssl would fetch this
// provider's "EC" key management for its NIST groups, and drop them.
int InitKeywardProvider(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in,
                        const OSSL_DISPATCH** out, void** provctx);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_H_
