#include "clients/openssl_provider/provider_context.h"

#include <cstdarg>
#include <string>
#include <utility>

namespace keyward::provider {
namespace {

constexpr OSSL_ITEM kReasonStrings[] = {
    {kKeyServiceError, const_cast<char*>("key service error")},
    {kBadKeyUri, const_cast<char*>("bad key URI")},
    {kUnsupported, const_cast<char*>("unsupported by the key service")},
    {kNoPrivateKey, const_cast<char*>("no private key")},
    {kInvalidArgument, const_cast<char*>("invalid argument")},
    {0, nullptr},
};

// SetError passes a format and its arguments to the core's vset_error.
void SetError(OSSL_FUNC_core_vset_error_fn* vset_error,
              const OSSL_CORE_HANDLE* handle, uint32_t reason,
              const char* format, ...) {
  va_list args;
  va_start(args, format);
  vset_error(handle, reason, format, args);
  va_end(args);
}

}  // namespace

const OSSL_ITEM* ProviderErrorStrings() { return kReasonStrings; }

ProviderContext::ProviderContext(const OSSL_CORE_HANDLE* handle,
                                 CoreErrorFunctions errors,
                                 ProviderSettings settings,
                                 openssl::LibCtxPtr libctx)
    : handle_(handle),
      errors_(errors),
      libctx_(std::move(libctx)),
      key_service_(std::move(settings)) {}

void ProviderContext::RaiseError(ProviderError reason,
                                 absl::string_view details,
                                 const char* function) const {
  if (errors_.new_error == nullptr || errors_.vset_error == nullptr) return;
  errors_.new_error(handle_);
  if (errors_.set_error_debug != nullptr) {
    errors_.set_error_debug(handle_, __FILE__, __LINE__, function);
  }
  const std::string text(details);
  SetError(errors_.vset_error, handle_, static_cast<uint32_t>(reason), "%s",
           text.c_str());
}

void ProviderContext::RaiseError(const absl::Status& status,
                                 const char* function) const {
  RaiseError(kKeyServiceError, status.ToString(), function);
}

}  // namespace keyward::provider
