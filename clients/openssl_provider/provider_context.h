#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONTEXT_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONTEXT_H_

#include <openssl/core.h>
#include <openssl/core_dispatch.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "clients/openssl_provider/key_service_connection.h"
#include "clients/openssl_provider/openssl_ptr.h"
#include "clients/openssl_provider/provider_config.h"

namespace keyward::provider {

// ProviderError: the reason codes of the errors the provider raises (shown
// by OpenSSL as "keyward: <reason string>: <details>").
enum ProviderError : int {
  kKeyServiceError = 1,  // the key service refused or could not be reached
  kBadKeyUri = 2,        // a keyward: URI that names no key
  kUnsupported = 3,      // an operation, digest or padding the keys lack
  kNoPrivateKey = 4,     // a private operation on a public-only key
  kInvalidArgument = 5,  // a malformed parameter or buffer
};

// ProviderErrorStrings: the reason strings, terminated by {0, nullptr}, for
// OSSL_FUNC_provider_get_reason_strings.
const OSSL_ITEM* ProviderErrorStrings();

// CoreErrorFunctions: the core's error-queue functions (from the dispatch
// table passed to OSSL_provider_init); any may be null when the core does
// not offer it, and errors are then dropped.
struct CoreErrorFunctions {
  OSSL_FUNC_core_new_error_fn* new_error = nullptr;
  OSSL_FUNC_core_set_error_debug_fn* set_error_debug = nullptr;
  OSSL_FUNC_core_vset_error_fn* vset_error = nullptr;
};

// ProviderContext is the provider's provctx: what every operation of one
// loaded instance shares. It owns a private library context (with
// OpenSSL's default provider) in which the provider parses public keys and
// hashes, so that it never calls back into the application's providers,
// and the connection to the key service.
class ProviderContext {
 public:
  ProviderContext(const OSSL_CORE_HANDLE* handle, CoreErrorFunctions errors,
                  ProviderSettings settings, openssl::LibCtxPtr libctx);
  ProviderContext(const ProviderContext&) = delete;
  ProviderContext& operator=(const ProviderContext&) = delete;

  OSSL_LIB_CTX* libctx() const { return libctx_.get(); }
  KeyServiceConnection& key_service() { return key_service_; }

  // RaiseError puts an error with `reason` and `details` on the calling
  // thread's OpenSSL error queue, attributed to `function`.
  void RaiseError(ProviderError reason, absl::string_view details,
                  const char* function) const;
  // RaiseError(status): kKeyServiceError with the status (code and
  // message) as details.
  void RaiseError(const absl::Status& status, const char* function) const;

 private:
  const OSSL_CORE_HANDLE* const handle_;
  const CoreErrorFunctions errors_;
  const openssl::LibCtxPtr libctx_;
  KeyServiceConnection key_service_;
};

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_CONTEXT_H_
