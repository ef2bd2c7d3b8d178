#ifndef KEYWARD_KEYSTORE_PKCS11_TESTING_SOFTHSM_TOKEN_H_
#define KEYWARD_KEYSTORE_PKCS11_TESTING_SOFTHSM_TOKEN_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::keystore::pkcs11::testing {

// Debian's SoftHSM2 module.
inline constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";

// SoftHsmToken: a SoftHSM2 token made for one test, in this process's
// SoftHSM, whose token directory lives under $TEST_TMPDIR.
//
// The first Create writes $TEST_TMPDIR/softhsm/softhsm2.conf and points
// SOFTHSM2_CONF at it before the module is loaded, so every test binary
// has its own, empty, SoftHSM. Tokens are initialised and filled through
// the module itself (C_InitToken, C_InitPIN, C_CreateObject), in the same
// process as the code under test: SoftHSM reads its token directory when
// it is initialised, and would not see tokens another process adds later.
// Not thread-safe; for test set-up.
class SoftHsmToken {
 public:
  // Create initialises a new token labelled `label` (unique per process)
  // whose user PIN is `pin`.
  static absl::StatusOr<SoftHsmToken> Create(const std::string& label,
                                             const std::string& pin);

  // ImportKey stores `key`'s private key (RSA, P-256/P-384 or Ed25519) on
  // the token as a sensitive, non-extractable private key object with
  // CKA_LABEL `label` and CKA_ID `id`, allowed to sign and decrypt.
  absl::Status ImportKey(EVP_PKEY* key, absl::string_view label,
                         absl::string_view id) const;

  // ImportCertificate stores `certificate` as an X.509 certificate object.
  absl::Status ImportCertificate(X509* certificate, absl::string_view label,
                                 absl::string_view id) const;

  // Wipe deletes every object of the token, as a token reset or a pulled
  // and re-provisioned HSM would: operations on its keys then fail. Import
  // the same keys again to bring them back (see the implementation for why
  // not the same files).
  absl::Status Wipe() const;

  // Remove takes the whole token away, as an unplugged HSM: its directory
  // is deleted. SoftHSM only rediscovers tokens when the module is
  // initialised again, so a removed token stays gone for this process.
  absl::Status Remove() const;

  // Reset closes every session this process has on the token
  // (C_CloseAllSessions), which also logs it out, as a token reset does.
  absl::Status Reset() const;

  const std::string& label() const { return label_; }
  const std::string& pin() const { return pin_; }
  // "pkcs11:token=<label>;object=<object>".
  std::string KeyUri(absl::string_view object) const;

 private:
  SoftHsmToken(std::string label, std::string pin, std::string directory)
      : label_(std::move(label)),
        pin_(std::move(pin)),
        directory_(std::move(directory)) {}

  std::string label_;
  std::string pin_;
  std::string directory_;  // the token's folder in the token directory
};

}  // namespace keyward::keystore::pkcs11::testing

#endif  // KEYWARD_KEYSTORE_PKCS11_TESTING_SOFTHSM_TOKEN_H_
