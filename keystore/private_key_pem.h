#ifndef KEYWARD_KEYSTORE_PRIVATE_KEY_PEM_H_
#define KEYWARD_KEYSTORE_PRIVATE_KEY_PEM_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "handshake/secret_bytes.h"
#include "keystore/openssl_ptr.h"

namespace keyward::keystore {

// ParsePrivateKeyPem decodes the first private key in `pem`: PKCS#8
// ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", decrypted
// with `passphrase`), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE
// KEY"). `passphrase` may be null when none is configured; it is handed to
// OpenSSL only if the key asks for one, and OpenSSL's own prompt is never
// used. `source` (the file name) starts every error message. Errors
// (FailedPrecondition): no decodable key; an encrypted key and no
// passphrase; a wrong passphrase (or a corrupt encrypted key, which cannot
// be told apart). The key is decoded by OpenSSL, which keeps its private
// numbers in the secure heap when one is initialised (see secure_heap.h).
// The caller owns the result, which must never leave //keystore.
absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(
    absl::Span<const uint8_t> pem, const handshake::SecretBytes* passphrase,
    absl::string_view source);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_PRIVATE_KEY_PEM_H_
