#ifndef KEYWARD_KEYSTORE_TESTING_VERIFY_SIGNATURE_H_
#define KEYWARD_KEYSTORE_TESTING_VERIFY_SIGNATURE_H_

#include <openssl/evp.h>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore::testing {

// VerifySignature checks `signature` over `message` with `public_key` (not
// owned; take it from the certificate) the way a TLS peer would, through
// OpenSSL's EVP_DigestVerify configured from RFC 8446 §4.2.3 as written out
// here, independently of the keystore's own scheme table: PKCS#1 v1.5 or
// PSS (salt = hash length, MGF1 with the same hash) over SHA-256/384/512,
// ECDSA with a DER signature, PureEdDSA. RSA_PKCS1_MD5_SHA1 is checked by
// recovering the signed block, which must be exactly MD5(message) ||
// SHA-1(message) (RFC 4346 §7.4.3). Fails with the reason otherwise.
::testing::AssertionResult VerifySignature(EVP_PKEY* public_key,
                                           v1::SignatureScheme scheme,
                                           absl::string_view message,
                                           absl::string_view signature);

// PublicKeyOfCertificate returns the public key in the DER certificate
// `der` (owned by the caller), or null if it does not parse.
EVP_PKEY* PublicKeyOfCertificate(absl::string_view der);

}  // namespace keyward::keystore::testing

#endif  // KEYWARD_KEYSTORE_TESTING_VERIFY_SIGNATURE_H_
