#include "keystore/private_key_pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::keystore {
namespace {

// PassphraseRequest is what the PEM password callback sees: the configured
// passphrase, and whether OpenSSL asked for it (so that a failure can be
// blamed on the passphrase rather than on the encoding).
struct PassphraseRequest {
  const handshake::SecretBytes* passphrase = nullptr;
  bool asked = false;
  bool too_long = false;
};

// PassphraseCallback is a pem_password_cb. Copies the passphrase into
// OpenSSL's buffer (which OpenSSL cleanses) or returns -1 to abort
// decryption when there is none or it does not fit.
int PassphraseCallback(char* buffer, int size, int /*rwflag*/,
                       void* user_data) {
  auto* request = static_cast<PassphraseRequest*>(user_data);
  request->asked = true;
  if (request->passphrase == nullptr || size < 0) return -1;
  if (request->passphrase->size() > static_cast<size_t>(size)) {
    request->too_long = true;
    return -1;
  }
  std::memcpy(buffer, request->passphrase->data(), request->passphrase->size());
  return static_cast<int>(request->passphrase->size());
}

// LastOpenSslReason returns the reason of the newest queued OpenSSL error
// (the decoder's final verdict) and empties the queue. Reasons never hold
// key material.
std::string LastOpenSslReason() {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return reason == nullptr ? "no OpenSSL reason" : reason;
}

}  // namespace

absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(
    absl::Span<const uint8_t> pem, const handshake::SecretBytes* passphrase,
    absl::string_view source) {
  if (pem.empty() || pem.size() > INT_MAX) {
    return absl::FailedPreconditionError(
        absl::StrCat(source, ": empty or oversized private key file"));
  }
  // A read-only memory BIO reads `pem` in place: no copy to cleanse.
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) {
    ERR_clear_error();
    return absl::InternalError(
        absl::StrCat(source, ": cannot allocate a memory BIO"));
  }
  PassphraseRequest request{passphrase};
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback,
                                         &request));
  if (key != nullptr) {
    ERR_clear_error();
    return key;
  }
  const std::string reason = LastOpenSslReason();
  if (request.asked && passphrase == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        source,
        ": the private key is encrypted and no passphrase is configured (set "
        "passphrase_file or passphrase_env)"));
  }
  if (request.too_long) {
    return absl::FailedPreconditionError(absl::StrCat(
        source, ": the passphrase is longer than OpenSSL accepts"));
  }
  if (request.asked) {
    return absl::FailedPreconditionError(absl::StrCat(
        source,
        ": cannot decrypt the private key: wrong passphrase or corrupt "
        "encrypted key (",
        reason, ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      source, ": no readable private key (", reason,
      "); expected PEM: PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1"));
}

}  // namespace keyward::keystore
