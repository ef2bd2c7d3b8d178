#ifndef KEYWARD_SERVICE_RSA_KEY_EXCHANGE_H_
#define KEYWARD_SERVICE_RSA_KEY_EXCHANGE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keystore/private_key.h"
#include "keyward/v1/key_service.pb.h"
#include "service/call_guard.h"

// The TLS 1.2 RSA key exchange (RFC 5246 §7.4.7.1) on a resolved key. The
// padding oracle defences live in PrivateKey::DecryptPreMaster: these
// functions add no branch on whether the ciphertext was well formed.
namespace keyward::service {

// CheckCiphertextLength returns OK when `ciphertext` is exactly as long as
// the modulus of an RSA key of `key_bits` bits, and InvalidArgument naming
// "encrypted_pre_master" otherwise. The modulus length is public, so this
// check may (and does) happen before the private key is touched.
absl::Status CheckCiphertextLength(uint32_t key_bits,
                                   absl::string_view ciphertext);

// DecryptPreMasterWithKey checks `guard` (DeadlineExceeded or Cancelled,
// with no decryption) and returns PrivateKey::DecryptPreMaster for a
// validated request: always 48 bytes, or InvalidArgument naming
// "encrypted_pre_master" when its length is not the modulus length.
absl::StatusOr<handshake::SecretBytes> DecryptPreMasterWithKey(
    const keystore::PrivateKey& key, const v1::DecryptPreMasterRequest& request,
    const CallGuard& guard);

// TlsMasterKeys is what RsaKeyExchange returns: the master secret and the
// optional key block.
struct TlsMasterKeys {
  handshake::SecretBytes master_secret;  // 48 bytes
  handshake::SecretBytes key_block;      // key_block_length bytes, or empty
};

// RsaKeyExchangeWithKey decrypts the pre-master as DecryptPreMasterWithKey
// does, derives the master secret (RFC 5246 §8.1, or the extended master
// secret of RFC 7627 §4 when session_hash is set) and, when
// key_block_length > 0, the key block (RFC 5246 §6.3). The pre-master is
// wiped before returning. Fails as DecryptPreMasterWithKey, or Internal if
// OpenSSL fails.
absl::StatusOr<TlsMasterKeys> RsaKeyExchangeWithKey(
    const keystore::PrivateKey& key, const v1::RsaKeyExchangeRequest& request,
    const CallGuard& guard);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_RSA_KEY_EXCHANGE_H_
