#ifndef KEYWARD_TESTS_SUPPORT_RSA_CIPHERTEXTS_H_
#define KEYWARD_TESTS_SUPPORT_RSA_CIPHERTEXTS_H_

#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

// RSA ciphertexts for the TLS 1.2 RSA key exchange tests, made with the
// public key only: well-formed PKCS#1 v1.5 encryptions (OpenSSL's own
// padding) and raw RSA over hand-crafted encoded messages (RFC 8017
// §7.2.1: EM = 0x00 || 0x02 || PS || 0x00 || M).
namespace keyward::testing {

// ModulusLength returns the RSA modulus length in bytes.
size_t ModulusLength(EVP_PKEY* public_key);

// PreMaster returns a 48-byte pre-master secret starting with
// `client_version` and then 46 bytes of `fill`.
std::string PreMaster(uint16_t client_version, char fill);

// EncryptPkcs1 encrypts `message` with PKCS#1 v1.5 padding (random PS).
// "" and a gtest failure on error.
std::string EncryptPkcs1(EVP_PKEY* public_key, absl::string_view message);

// EncodedMessage returns EM = `first` || `block_type` || PS || 0x00 || M
// for a modulus of `modulus_length` bytes, PS being nonzero bytes (0xA5) of
// whatever length fills it; "" if M does not fit.
std::string EncodedMessage(size_t modulus_length, absl::string_view message,
                           uint8_t first = 0x00, uint8_t block_type = 0x02);

// EncryptRaw applies the raw RSA public operation (no padding) to `em`,
// which must be modulus-length and smaller than the modulus.
std::string EncryptRaw(EVP_PKEY* public_key, absl::string_view em);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_RSA_CIPHERTEXTS_H_
