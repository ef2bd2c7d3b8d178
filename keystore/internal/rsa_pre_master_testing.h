#ifndef KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_TESTING_H_
#define KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_TESTING_H_

// Test helpers for the RSA pre-master decryption: raw RSA with the public
// key (to build ciphertexts of chosen encoded messages), raw RSA with the
// private key (for the conformance vectors), and the synthetic pre-master
// recomputed from its documented construction along a path independent of
// the implementation (EVP_DigestSign with SHA-512/256, which builds the
// DigestInfo itself, and one-shot HMAC instead of a hand-built DigestInfo
// and EVP_KDF HKDF). Errors are returned, never thrown;
// results are owned by the caller.

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace keyward::keystore::internal::test {

// RawRsaPublic returns em^e mod n as k bytes (RSA_NO_PADDING); `em` must be
// k bytes and less than n.
absl::StatusOr<std::string> RawRsaPublic(EVP_PKEY* key,
                                         absl::Span<const uint8_t> em);

// RawRsaPrivate returns c^d mod n as k bytes (RSA_NO_PADDING). Fails, as
// OpenSSL does, for a ciphertext longer than k bytes or not less than n.
absl::StatusOr<std::vector<uint8_t>> RawRsaPrivate(
    EVP_PKEY* key, absl::string_view ciphertext);

// Pkcs1Encrypt returns an RSAES-PKCS1-v1_5 encryption of `message`.
absl::StatusOr<std::string> Pkcs1Encrypt(EVP_PKEY* key,
                                         absl::Span<const uint8_t> message);

// ExpectedSyntheticPreMaster recomputes the synthetic pre-master that
// rsa_pre_master.h documents for `key` and `ciphertext`.
absl::StatusOr<std::vector<uint8_t>> ExpectedSyntheticPreMaster(
    EVP_PKEY* key, absl::string_view ciphertext);

}  // namespace keyward::keystore::internal::test

#endif  // KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_TESTING_H_
