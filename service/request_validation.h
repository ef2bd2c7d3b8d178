#ifndef KEYWARD_SERVICE_REQUEST_VALIDATION_H_
#define KEYWARD_SERVICE_REQUEST_VALIDATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/hash_algorithm.h"
#include "keyward/v1/key_service.pb.h"
#include "keyward/v1/types.pb.h"

// Up-front validation of every KeyService request, before any key is looked
// up. Each function returns OK or InvalidArgument whose message starts with
// the offending field's path within the request (e.g. "key.key_id",
// "tls12_server_key_exchange.server_params.named_curve") and never echoes
// secret bytes. Checks that need the key (the scheme against the key type,
// the ciphertext against the modulus length) come later.
namespace keyward::service {

// Request limits (see keyward/v1/key_service.proto).
inline constexpr size_t kKeyIdLength = 64;
inline constexpr size_t kCertificateSha256Length = 32;
inline constexpr size_t kMaxSignMessageLength = 64 * 1024;
// The longest RSA modulus we could ever hold is 8192 bits.
inline constexpr size_t kMaxEncryptedPreMasterLength = 1024;
inline constexpr uint32_t kMinClientVersion = 0x0300;  // SSL 3.0
inline constexpr uint32_t kMaxClientVersion = 0x03ff;

// ValidateKeySelector: exactly one selector is set; key_id is 64 lowercase
// hex digits; server_name passes NormalizeServerName; certificate_sha256 is
// 32 bytes. `field` is the selector's path (e.g. "key").
absl::Status ValidateKeySelector(const v1::KeySelector& selector,
                                 absl::string_view field);

absl::Status ValidateListKeysRequest(const v1::ListKeysRequest& request);
absl::Status ValidateGetKeyRequest(const v1::GetKeyRequest& request);

// ValidateSignRequest: selector, a known scheme, one input; the structured
// inputs' shapes (transcript hash 32/48 bytes and a scheme TLS 1.3 allows;
// 32-byte randoms and a ServerECDHParams); a digest of the scheme's length
// (never for ED25519); a message of at most kMaxSignMessageLength bytes.
absl::Status ValidateSignRequest(const v1::SignRequest& request);

// ValidateDecryptPreMasterRequest: selector, a ciphertext of 1 to
// kMaxEncryptedPreMasterLength bytes, client_version in [0x0300, 0x03ff].
absl::Status ValidateDecryptPreMasterRequest(
    const v1::DecryptPreMasterRequest& request);

// ValidateRsaKeyExchangeRequest: as DecryptPreMaster, plus 32-byte randoms,
// a known prf_hash, a session_hash empty or of the PRF hash's length, and
// key_block_length at most 256.
absl::Status ValidateRsaKeyExchangeRequest(
    const v1::RsaKeyExchangeRequest& request);

// PrfHashAlgorithm maps the request's PRF hash; InvalidArgument naming
// `field` for UNSPECIFIED or an unknown value.
absl::StatusOr<handshake::HashAlgorithm> PrfHashAlgorithm(
    v1::PrfHash prf_hash, absl::string_view field);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_REQUEST_VALIDATION_H_
