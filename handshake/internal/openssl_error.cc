#include "handshake/internal/openssl_error.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace keyward::handshake::internal {

absl::Status OpenSslError(absl::string_view what) {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return absl::InternalError(absl::StrCat(
      what, " failed: ", reason == nullptr ? "no OpenSSL reason" : reason));
}

}  // namespace keyward::handshake::internal
