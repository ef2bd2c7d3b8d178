#ifndef KEYWARD_KEYSTORE_PKCS11_PKCS11_PRIVATE_KEY_H_
#define KEYWARD_KEYSTORE_PKCS11_PKCS11_PRIVATE_KEY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keystore/internal/rsa_pre_master.h"
#include "keystore/key_type.h"
#include "keystore/openssl_ptr.h"
#include "keystore/pkcs11/key_object.h"
#include "keystore/private_key.h"
#include "keystore/sign_request.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore::pkcs11 {

// Pkcs11PrivateKey: the PrivateKey of a private key object on a PKCS #11
// token (an HSM). The key never leaves the token; this process holds its
// public key (from the certificate) and, for RSA, the rejection key of the
// pre-master decryption.
//
// Where each step runs:
//   RSA PKCS #1 v1.5  hash and DigestInfo here (digest_info.h); padding
//                     and the private operation on the token (CKM_RSA_PKCS);
//                     the signature is verified here with the public key
//                     before it is returned (Lenstra).
//   RSA-PSS           hash here; encoding (MGF1 with the scheme's hash,
//                     salt as long as the hash) and the private operation
//                     on the token (CKM_RSA_PKCS_PSS); verified here.
//   ECDSA             hash here; signature on the token (CKM_ECDSA, r||s),
//                     converted to DER here (ecdsa_der.h).
//   Ed25519           the whole PureEdDSA signature on the token
//                     (CKM_EDDSA), when the token offers it.
//   RSA pre-master    only c^d mod n on the token (CKM_RSA_X_509, raw RSA);
//                     here: the length and c < n checks, the synthetic
//                     value (always computed), the re-encryption check of
//                     the token's result (raw_rsa_check.h) and the
//                     constant-time decoding and selection, by the same
//                     code as the file backend (internal/rsa_pre_master.h).
//                     The rejection key comes from the token's PKCS #1
//                     signature of a fixed block, made once at load, so a
//                     key answers the same synthetic values from a file, a
//                     token, or any replica.
// Immutable; safe for concurrent use (see KeyObject for sessions, retries
// and token loss: an operation fails with Unavailable while the token is
// gone and works again once it is back).
class Pkcs11PrivateKey final : public SchemeCheckedKey {
 public:
  // Create binds to `object`, whose public key is `public_key` (owned; from
  // the certificate). It checks that the token's object has the key type
  // of `public_key` and proves that it holds the matching private key: the
  // seed signature (RSA) or a test signature (ECDSA, Ed25519) must verify
  // with `public_key`. FailedPrecondition with the reason otherwise
  // (ClassifyKey's refusals, a mismatch, a token that cannot sign).
  static absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> Create(
      std::shared_ptr<const KeyObject> object, EvpPkeyPtr public_key);

  Pkcs11PrivateKey(const Pkcs11PrivateKey&) = delete;
  Pkcs11PrivateKey& operator=(const Pkcs11PrivateKey&) = delete;

  const KeyType& type() const { return type_; }

  // See PrivateKey and SchemeCheckedKey. Token failures: Unavailable
  // while the token is gone, Internal otherwise (e.g. a mechanism the token
  // lacks: CKR_MECHANISM_INVALID). A signature that fails the RSA
  // self-check is wiped, never returned: Internal.
  absl::StatusOr<handshake::SecretBytes> DecryptPreMaster(
      absl::string_view ciphertext, uint16_t client_version) const override;

 private:
  Pkcs11PrivateKey(std::shared_ptr<const KeyObject> object,
                   EvpPkeyPtr public_key, KeyType type)
      : object_(std::move(object)),
        public_key_(std::move(public_key)),
        type_(type) {}

  v1::KeyAlgorithm algorithm() const override { return type_.algorithm; }
  absl::StatusOr<std::string> SignPureEd25519(
      absl::string_view message) const override;
  absl::StatusOr<std::string> SignCheckedDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const override;
  // ProvePossession signs a fixed message and verifies it (ECDSA, Ed25519).
  absl::Status ProvePossession() const;

  const std::shared_ptr<const KeyObject> object_;
  const EvpPkeyPtr public_key_;
  const KeyType type_;
  // Set for RSA keys only, once, in Create.
  std::optional<internal::RsaPreMasterDecrypter> decrypter_;
};

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_PKCS11_PRIVATE_KEY_H_
