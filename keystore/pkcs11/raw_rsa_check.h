#ifndef KEYWARD_KEYSTORE_PKCS11_RAW_RSA_CHECK_H_
#define KEYWARD_KEYSTORE_PKCS11_RAW_RSA_CHECK_H_

#include <openssl/evp.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace keyward::keystore::pkcs11 {

// CheckRawRsaDecryption re-encrypts `em`, a raw RSA decryption (k bytes)
// of the ciphertext `c` (k bytes) computed elsewhere, with `public_key`
// (not owned) and checks that it gives `c` back: the Lenstra / Boneh-
// DeMillo-Lipton check for a private operation we cannot see into (a CRT
// fault would otherwise hand out a value from which n factors).
//
// `em` is secret (a padded pre-master), so em^e mod n is computed with
// BN_FLG_CONSTTIME and BN_mod_exp_mont_consttime; the comparison is of
// public values (c, and em^e which equals c unless the device failed).
// The one value-dependent quantity left is the limb count BN_bin2bn gives
// `em`, which differs only when its first 8 bytes are all zero: never for
// a PKCS #1 type 2 block (00 02 ...), with probability 2^-48 for a
// random one; no padding oracle can be built on that.
//
// Internal with a fixed message when the check fails or OpenSSL fails; the
// status never depends on `em` otherwise.
absl::Status CheckRawRsaDecryption(const EVP_PKEY* public_key,
                                   absl::Span<const uint8_t> em,
                                   absl::Span<const uint8_t> c);

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_RAW_RSA_CHECK_H_
