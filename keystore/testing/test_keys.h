#ifndef KEYWARD_KEYSTORE_TESTING_TEST_KEYS_H_
#define KEYWARD_KEYSTORE_TESTING_TEST_KEYS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/openssl_ptr.h"

namespace keyward::keystore::testing {

// GenerateKey makes a fresh key of `kind`: "rsa-<bits>", "p256", "p384",
// "p521" or "ed25519". InvalidArgument for other kinds; Internal if OpenSSL
// fails.
absl::StatusOr<EvpPkeyPtr> GenerateKey(absl::string_view kind);

// CertificateOptions: what a test certificate says.
struct CertificateOptions {
  std::string common_name = "keyward test";
  std::vector<std::string> dns_names;  // none: no subjectAltName extension
  absl::Time not_before = absl::Now() - absl::Hours(1);
  absl::Time not_after = absl::Now() + absl::Hours(24 * 30);
};

// SelfSignedCertificate makes a certificate for `key` signed by `key`
// (SHA-256, or PureEdDSA for Ed25519).
absl::StatusOr<X509Ptr> SelfSignedCertificate(
    EVP_PKEY* key, const CertificateOptions& options);

// Pkcs8Pem / TraditionalPem (PKCS#1 for RSA, SEC1 for EC) /
// EncryptedPkcs8Pem (AES-256-CBC, PBKDF2) encode `key`'s private key;
// CertificatePem encodes `certificate`.
absl::StatusOr<std::string> Pkcs8Pem(EVP_PKEY* key);
absl::StatusOr<std::string> TraditionalPem(EVP_PKEY* key);
absl::StatusOr<std::string> EncryptedPkcs8Pem(EVP_PKEY* key,
                                              absl::string_view passphrase);
absl::StatusOr<std::string> CertificatePem(X509* certificate);

// FreshDirectory returns $TEST_TMPDIR/`name`, emptied and created anew.
absl::StatusOr<std::string> FreshDirectory(absl::string_view name);

// WriteFile writes `contents` to `path` with `mode` (exactly: chmod after
// creation), creating missing parent directories.
absl::Status WriteFile(const std::string& path, absl::string_view contents,
                       mode_t mode = 0600);

// WriteKeyAndCertificate writes `directory`/keys/`stem`.key (PKCS#8, mode
// 0600) and `directory`/keys/`stem`.crt (the certificate followed by
// `extra_chain_pem`).
absl::Status WriteKeyAndCertificate(const std::string& directory,
                                    absl::string_view stem, EVP_PKEY* key,
                                    X509* certificate,
                                    absl::string_view extra_chain_pem = "");

// ManifestKey returns a manifest entry naming keys/`stem`.key and .crt that
// allows every operation to "spiffe://test/*", plus `extra` fields
// (text-format) inside the entry.
std::string ManifestKey(absl::string_view name, int version,
                        absl::string_view stem, absl::string_view extra = "");

}  // namespace keyward::keystore::testing

#endif  // KEYWARD_KEYSTORE_TESTING_TEST_KEYS_H_
