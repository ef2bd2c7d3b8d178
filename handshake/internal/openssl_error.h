#ifndef KEYWARD_HANDSHAKE_INTERNAL_OPENSSL_ERROR_H_
#define KEYWARD_HANDSHAKE_INTERNAL_OPENSSL_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace keyward::handshake::internal {

// OpenSslError returns an Internal status saying that the OpenSSL call `what`
// failed, with the reason of the oldest queued OpenSSL error, and empties this
// thread's OpenSSL error queue. OpenSSL reasons never contain key material.
absl::Status OpenSslError(absl::string_view what);

}  // namespace keyward::handshake::internal

#endif  // KEYWARD_HANDSHAKE_INTERNAL_OPENSSL_ERROR_H_
