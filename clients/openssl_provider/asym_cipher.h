#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_ASYM_CIPHER_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_ASYM_CIPHER_H_

#include <openssl/core.h>

namespace keyward::provider {

// RsaAsymCipherFunctions returns the RSA asymmetric cipher
// (OSSL_OP_ASYM_CIPHER) dispatch table. It decrypts exactly what TLS 1.2's
// RSA key exchange needs and nothing else: padding mode
// RSA_PKCS1_WITH_TLS_PADDING, with "tls-client-version" set, into a buffer
// of at least 48 bytes. The ciphertext goes to the key service's
// DecryptPreMaster, which does the implicit rejection (RFC 5246 §7.4.7.1)
// itself: a malformed ciphertext yields a synthetic pre-master secret and
// success, never an error that would be an oracle. "tls-negotiated-version"
// (sent only under SSL_OP_TLS_ROLLBACK_BUG) is accepted and not used: the
// service checks the client version only. Other padding modes, and
// encryption (which the default provider does with the public key), fail.
const OSSL_DISPATCH* RsaAsymCipherFunctions();

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_ASYM_CIPHER_H_
