#ifndef KEYWARD_KEYSTORE_OPENSSL_PRIVATE_KEY_H_
#define KEYWARD_KEYSTORE_OPENSSL_PRIVATE_KEY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keystore/internal/rsa_pre_master.h"
#include "keystore/evp_signer.h"
#include "keystore/key_type.h"
#include "keystore/openssl_ptr.h"
#include "keystore/private_key.h"
#include "keystore/sign_request.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// OpenSslPrivateKey: the PrivateKey of an OpenSSL EVP_PKEY, an RSA (>= 2048
// bits), ECDSA P-256/P-384 or Ed25519 private key. Immutable; safe for
// concurrent use (signing contexts are reused, one thread at a time:
// EvpSigner).
class OpenSslPrivateKey final : public SchemeCheckedKey {
 public:
  // Create takes ownership of `key`, a private key. InvalidArgument for
  // null; FailedPrecondition when ClassifyKey refuses the key (weak RSA,
  // other curves and algorithms); Internal when the RSA pre-master
  // decrypter cannot be set up.
  static absl::StatusOr<std::unique_ptr<OpenSslPrivateKey>> Create(
      EvpPkeyPtr key);

  OpenSslPrivateKey(const OpenSslPrivateKey&) = delete;
  OpenSslPrivateKey& operator=(const OpenSslPrivateKey&) = delete;

  const KeyType& type() const { return type_; }

  // See PrivateKey and SchemeCheckedKey. An RSA key whose private
  // operations OpenSSL does not check itself (OpenSslChecksRsaCrt) has
  // each signature verified with its public key; one that fails is wiped,
  // never returned: Internal.
  absl::StatusOr<handshake::SecretBytes> DecryptPreMaster(
      absl::string_view ciphertext, uint16_t client_version) const override;

 private:
  OpenSslPrivateKey(EvpPkeyPtr key, KeyType type,
                    std::optional<internal::RsaPreMasterDecrypter> decrypter,
                    bool verify_signatures)
      : key_(std::move(key)),
        type_(type),
        decrypter_(std::move(decrypter)),
        verify_signatures_(verify_signatures),
        signer_(key_.get()) {}

  v1::KeyAlgorithm algorithm() const override { return type_.algorithm; }
  absl::StatusOr<std::string> SignPureEd25519(
      absl::string_view message) const override;
  // Verifies the signature before returning it when verify_signatures_.
  absl::StatusOr<std::string> SignCheckedDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const override;

  const EvpPkeyPtr key_;
  const KeyType type_;
  // Set for RSA keys only.
  const std::optional<internal::RsaPreMasterDecrypter> decrypter_;
  // RSA keys that OpenSSL's own CRT check does not cover.
  const bool verify_signatures_;
  const EvpSigner signer_;  // signs with key_, declared after it
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_OPENSSL_PRIVATE_KEY_H_
