#ifndef KEYWARD_TESTS_SUPPORT_SIGNATURE_CHECK_H_
#define KEYWARD_TESTS_SUPPORT_SIGNATURE_CHECK_H_

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "keyward/v1/types.pb.h"

// Independent checks of the service's signatures: OpenSSL's public-key
// verify with the key taken from the certificate the service returned.
namespace keyward::testing {

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// PublicKeyOfCertificate parses a DER certificate and returns its public
// key; null (and a gtest failure) when it does not parse.
EvpPkeyPtr PublicKeyOfCertificate(absl::string_view certificate_der);

// SpkiOfCertificate returns the DER SubjectPublicKeyInfo of a DER
// certificate ("" and a gtest failure when it does not parse).
std::string SpkiOfCertificate(absl::string_view certificate_der);

// VerifyMessageSignature verifies `signature` over `message` as TLS defines
// `scheme` (RFC 8446 §4.2.3): PKCS#1 v1.5 or PSS (MGF1 with the same hash,
// salt exactly the hash length) with the scheme's hash, ECDSA (DER) with
// the scheme's hash, PureEdDSA for Ed25519, and for RSA_PKCS1_MD5_SHA1 a
// PKCS#1 v1.5 signature of MD5(message) || SHA-1(message) without
// DigestInfo (RFC 4346 §7.4.3).
::testing::AssertionResult VerifyMessageSignature(v1::SignatureScheme scheme,
                                                  EVP_PKEY* public_key,
                                                  absl::string_view message,
                                                  absl::string_view signature);

// VerifyDigestSignature verifies a signature over a precomputed digest of
// the scheme's hash (36 bytes MD5 || SHA-1 for RSA_PKCS1_MD5_SHA1); not for
// Ed25519.
::testing::AssertionResult VerifyDigestSignature(v1::SignatureScheme scheme,
                                                 EVP_PKEY* public_key,
                                                 absl::string_view digest,
                                                 absl::string_view signature);

// Digest returns `scheme`'s hash of `message` (MD5 || SHA-1 for
// RSA_PKCS1_MD5_SHA1).
std::string Digest(v1::SignatureScheme scheme, absl::string_view message);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_SIGNATURE_CHECK_H_
