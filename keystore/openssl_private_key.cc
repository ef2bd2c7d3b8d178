#include "keystore/openssl_private_key.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/evp_signature.h"
#include "keystore/rsa_crt_check.h"
#include "keystore/sign_request.h"

namespace keyward::keystore {

absl::StatusOr<std::unique_ptr<OpenSslPrivateKey>> OpenSslPrivateKey::Create(
    EvpPkeyPtr key) {
  if (key == nullptr) return absl::InvalidArgumentError("key is null");
  absl::StatusOr<KeyType> type = ClassifyKey(key.get());
  if (!type.ok()) return type.status();
  std::optional<internal::RsaPreMasterDecrypter> decrypter;
  if (type->algorithm == v1::KEY_ALGORITHM_RSA) {
    absl::StatusOr<internal::RsaPreMasterDecrypter> created =
        internal::RsaPreMasterDecrypter::Create(key.get());
    if (!created.ok()) return created.status();
    decrypter.emplace(*std::move(created));
  }
  const bool verify_signatures = type->algorithm == v1::KEY_ALGORITHM_RSA &&
                                 !OpenSslChecksRsaCrt(key.get());
  return std::unique_ptr<OpenSslPrivateKey>(new OpenSslPrivateKey(
      std::move(key), *type, std::move(decrypter), verify_signatures));
}

absl::StatusOr<std::string> OpenSslPrivateKey::SignPureEd25519(
    absl::string_view message) const {
  return EvpSignEd25519(key_.get(), message);
}

absl::StatusOr<std::string> OpenSslPrivateKey::SignCheckedDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  absl::StatusOr<std::string> signature =
      signer_.SignDigest(scheme, digest);
  if (!signature.ok() || !verify_signatures_) return signature;
  if (!EvpVerifyDigest(key_.get(), scheme, digest, *signature).ok()) {
    OPENSSL_cleanse(signature->data(), signature->size());
    return absl::InternalError(
        "RSA signature failed its verification with the public key; "
        "withheld");
  }
  return signature;
}

absl::StatusOr<handshake::SecretBytes> OpenSslPrivateKey::DecryptPreMaster(
    absl::string_view ciphertext, uint16_t client_version) const {
  if (!decrypter_.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("DecryptPreMaster needs an RSA key; this is a ",
                     v1::KeyAlgorithm_Name(type_.algorithm), " key"));
  }
  return decrypter_->Decrypt(ciphertext, client_version);
}

}  // namespace keyward::keystore
