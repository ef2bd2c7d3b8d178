#include "clients/edge/openssl_errors.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace keyward::edge {

std::string TakeOpenSslErrors() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  while (unsigned long error =
             ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    absl::StrAppend(&out, out.empty() ? "" : "; ", text);
    if ((flags & ERR_TXT_STRING) != 0 && data != nullptr && data[0] != '\0') {
      absl::StrAppend(&out, " (", data, ")");
    }
  }
  return out.empty() ? "no OpenSSL error" : out;
}

}  // namespace keyward::edge
