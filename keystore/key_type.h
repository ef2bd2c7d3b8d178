#ifndef KEYWARD_KEYSTORE_KEY_TYPE_H_
#define KEYWARD_KEYSTORE_KEY_TYPE_H_

#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// KeyType: the kind and size of a key the keystore accepts.
struct KeyType {
  v1::KeyAlgorithm algorithm = v1::KEY_ALGORITHM_UNSPECIFIED;
  // Modulus bits for RSA, field bits for ECDSA, 255 for Ed25519 (the
  // convention of keyward.v1.KeyInfo.key_bits).
  uint32_t bits = 0;
};

// ClassifyKey returns the type of `key` (a public or private key; not
// owned). FailedPrecondition, with the reason, for every key the keystore
// refuses: RSA keys under 2048 bits, EC keys on any curve but P-256 and
// P-384 or with explicit curve parameters, and any other algorithm
// (including RSA-PSS-restricted keys, DSA, X25519 and Ed448).
absl::StatusOr<KeyType> ClassifyKey(const EVP_PKEY* key);

// SubjectPublicKeyInfoDer returns the DER SubjectPublicKeyInfo of `key`'s
// public half (RFC 5280 §4.1.2.7). Internal if OpenSSL cannot encode it.
absl::StatusOr<std::string> SubjectPublicKeyInfoDer(const EVP_PKEY* key);

// Sha256 returns the 32-byte SHA-256 of `data`. Internal if OpenSSL fails.
absl::StatusOr<std::string> Sha256(absl::string_view data);

// KeyIdOf returns the key id of a SubjectPublicKeyInfo: the lowercase hex
// SHA-256 of its DER, 64 characters. Internal if OpenSSL fails.
absl::StatusOr<std::string> KeyIdOf(absl::string_view spki_der);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_KEY_TYPE_H_
