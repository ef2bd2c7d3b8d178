#ifndef KEYWARD_HANDSHAKE_INTERNAL_EVP_KDF_H_
#define KEYWARD_HANDSHAKE_INTERNAL_EVP_KDF_H_

#include <openssl/params.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handshake/secret_bytes.h"

namespace keyward::handshake::internal {

// OctetParam returns an OSSL_PARAM that views `bytes` (no copy: `bytes` must
// outlive the call the parameter is passed to). An empty span gets a non-null
// pointer, since OpenSSL rejects a null octet string.
OSSL_PARAM OctetParam(const char* key, absl::Span<const uint8_t> bytes);

// DeriveWithKdf fetches the OpenSSL KDF `kdf_name` ("HKDF", "TLS1-PRF"; these
// two once per process), runs it with `params` (an OSSL_PARAM_END-terminated
// array) and returns `out_length` bytes. Callers validate their inputs first;
// any OpenSSL failure is returned as Internal. OpenSSL keeps its own copies of
// the secret inputs and cleanses them when the context is freed, before this
// returns.
absl::StatusOr<SecretBytes> DeriveWithKdf(const char* kdf_name,
                                          const OSSL_PARAM* params,
                                          std::size_t out_length);

}  // namespace keyward::handshake::internal

#endif  // KEYWARD_HANDSHAKE_INTERNAL_EVP_KDF_H_
