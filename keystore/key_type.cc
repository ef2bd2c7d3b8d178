#include "keystore/key_type.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/openssl_error.h"
#include "keystore/openssl_ptr.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::internal::OpenSslError;

// Below this an RSA key is refused (NIST SP 800-57 Part 1 Rev. 5 §5.6.1:
// 2048 bits is the minimum for 112-bit security).
constexpr int kMinRsaBits = 2048;

absl::StatusOr<KeyType> ClassifyEcKey(const EVP_PKEY* key) {
  char group[64];
  size_t group_length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                     sizeof(group), &group_length) != 1) {
    return absl::FailedPreconditionError(
        "EC key without a named curve (explicit curve parameters are not "
        "accepted; use P-256 or P-384)");
  }
  switch (OBJ_txt2nid(group)) {
    case NID_X9_62_prime256v1:
      return KeyType{v1::KEY_ALGORITHM_ECDSA_P256, 256};
    case NID_secp384r1:
      return KeyType{v1::KEY_ALGORITHM_ECDSA_P384, 384};
    default:
      return absl::FailedPreconditionError(absl::StrCat(
          "unsupported EC curve ", absl::string_view(group, group_length),
          " (only P-256 and P-384 are accepted)"));
  }
}

}  // namespace

absl::StatusOr<KeyType> ClassifyKey(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits) {
      return absl::FailedPreconditionError(
          absl::StrCat("weak RSA key: ", bits, " bits (at least ", kMinRsaBits,
                       " are required)"));
    }
    return KeyType{v1::KEY_ALGORITHM_RSA, static_cast<uint32_t>(bits)};
  }
  if (EVP_PKEY_is_a(key, "EC")) return ClassifyEcKey(key);
  if (EVP_PKEY_is_a(key, "ED25519")) {
    return KeyType{v1::KEY_ALGORITHM_ED25519, 255};
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return absl::FailedPreconditionError(absl::StrCat(
      "unsupported key algorithm ", type == nullptr ? "(unknown)" : type,
      " (accepted: RSA, ECDSA P-256/P-384, Ed25519)"));
}

absl::StatusOr<std::string> SubjectPublicKeyInfoDer(const EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  OpenSslBufferPtr owned(der);
  if (length <= 0) return OpenSslError("i2d_PUBKEY");
  return std::string(reinterpret_cast<const char*>(der), length);
}

absl::StatusOr<std::string> Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    return OpenSslError("EVP_Digest(SHA-256)");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<std::string> KeyIdOf(absl::string_view spki_der) {
  absl::StatusOr<std::string> digest = Sha256(spki_der);
  if (!digest.ok()) return digest.status();
  return absl::BytesToHexString(*digest);
}

}  // namespace keyward::keystore
