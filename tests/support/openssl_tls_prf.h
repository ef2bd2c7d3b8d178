#ifndef KEYWARD_TESTS_SUPPORT_OPENSSL_TLS_PRF_H_
#define KEYWARD_TESTS_SUPPORT_OPENSSL_TLS_PRF_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace keyward::testing {

// OpenSslTlsPrf returns `length` bytes of the TLS 1.2 PRF(secret, label,
// seed) (RFC 5246 §5) computed with OpenSSL's EVP_KDF "TLS1-PRF" directly,
// as an independent reference for the service's //handshake code. `digest`
// is an OpenSSL digest name ("SHA2-256", "SHA2-384"). Adds a gtest failure
// and returns "" if OpenSSL fails.
std::string OpenSslTlsPrf(const char* digest, absl::string_view secret,
                          absl::string_view label, absl::string_view seed,
                          size_t length);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_OPENSSL_TLS_PRF_H_
