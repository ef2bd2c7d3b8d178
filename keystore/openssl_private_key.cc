#include "keystore/openssl_private_key.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/openssl_error.h"
#include "keystore/evp_signature.h"
#include "keystore/signature_scheme.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::internal::OpenSslError;

std::string SchemeName(v1::SignatureScheme scheme) {
  return v1::SignatureScheme_IsValid(scheme)
             ? v1::SignatureScheme_Name(scheme)
             : absl::StrCat(static_cast<int>(scheme));
}

}  // namespace

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
  return std::unique_ptr<OpenSslPrivateKey>(
      new OpenSslPrivateKey(std::move(key), *type, std::move(decrypter)));
}

absl::Status OpenSslPrivateKey::CheckScheme(v1::SignatureScheme scheme) const {
  if (scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED ||
      !v1::SignatureScheme_IsValid(scheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("scheme: unspecified or unknown signature scheme ",
                     SchemeName(scheme)));
  }
  if (!SchemeFitsAlgorithm(scheme, type_.algorithm)) {
    return absl::FailedPreconditionError(
        absl::StrCat(SchemeName(scheme), " does not fit a ",
                     v1::KeyAlgorithm_Name(type_.algorithm), " key"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OpenSslPrivateKey::SignMessage(
    v1::SignatureScheme scheme, absl::string_view message) const {
  if (absl::Status status = CheckScheme(scheme); !status.ok()) return status;
  if (scheme == v1::SIGNATURE_SCHEME_ED25519) {
    return EvpSignEd25519(key_.get(), message);
  }
  if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) {
    return absl::FailedPreconditionError(
        "RSA_PKCS1_MD5_SHA1 is offered for digests only (SignDigest)");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &length,
                 SchemeDigest(scheme), nullptr) != 1) {
    return OpenSslError("EVP_Digest");
  }
  return SignCheckedDigest(
      scheme, absl::string_view(reinterpret_cast<char*>(digest), length));
}

absl::StatusOr<std::string> OpenSslPrivateKey::SignDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  if (absl::Status status = CheckScheme(scheme); !status.ok()) return status;
  if (scheme == v1::SIGNATURE_SCHEME_ED25519) {
    return absl::FailedPreconditionError(
        "Ed25519 signs messages only (RFC 8032 PureEdDSA): use SignMessage");
  }
  const size_t expected = EVP_MD_get_size(SchemeDigest(scheme));
  if (digest.size() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("digest: ", digest.size(), " bytes; ", SchemeName(scheme),
                     " needs exactly ", expected));
  }
  return SignCheckedDigest(scheme, digest);
}

absl::StatusOr<std::string> OpenSslPrivateKey::SignCheckedDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  absl::StatusOr<std::string> signature =
      EvpSignDigest(key_.get(), scheme, digest);
  if (!signature.ok() || type_.algorithm != v1::KEY_ALGORITHM_RSA) {
    return signature;
  }
  // A fault in the CRT computation gives a signature from which the
  // modulus factors (Boneh, DeMillo, Lipton 1997; Lenstra's note): never
  // let one out unverified.
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
