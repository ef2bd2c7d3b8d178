#ifndef KEYWARD_KEYSTORE_RSA_CRT_CHECK_H_
#define KEYWARD_KEYSTORE_RSA_CRT_CHECK_H_

#include <openssl/evp.h>

namespace keyward::keystore {

// A fault during an RSA private operation computed with the Chinese
// Remainder Theorem gives a result from which the modulus factors (Boneh,
// DeMillo, Lipton 1997; Lenstra 1996). Whatever computes the result must
// check it with the public exponent before it leaves.
//
// OpenSslChecksRsaCrt tells whether OpenSSL already does: true when `key`
// (an RSA key) lives in OpenSSL's default or FIPS provider and no ENGINE
// stands in as the default RSA implementation. OpenSSL's own RSA code then
// raises every CRT result to the public exponent, compares it with the
// input, and recomputes without the CRT on a mismatch
// (crypto/rsa/rsa_ossl.c, rsa_ossl_mod_exp), so a faulty result never
// leaves it. False for any other key, whose signatures the caller verifies
// itself (OpenSslPrivateKey). PKCS#11 keys never ask: Pkcs11PrivateKey
// verifies every signature a token returns.
//
// The answer holds for the process's lifetime: OpenSSL reads its
// configuration, which is where an ENGINE could come from, before it
// decodes the first key, and the service registers none itself.
bool OpenSslChecksRsaCrt(const EVP_PKEY* key);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_RSA_CRT_CHECK_H_
