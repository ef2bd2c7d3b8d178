#include "keystore/pkcs11/pkcs11_private_key.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/evp_signature.h"
#include "keystore/pkcs11/digest_info.h"
#include "keystore/pkcs11/ecdsa_der.h"
#include "keystore/pkcs11/raw_rsa_check.h"
#include "keystore/sign_request.h"
#include "keystore/signature_scheme.h"

namespace keyward::keystore::pkcs11 {
namespace {

using handshake::SecretBytes;

// Signed (and verified) at load to prove the token holds the private key
// of the certificate (ECDSA and Ed25519; RSA keys prove it with the
// pre-master rejection seed).
constexpr absl::string_view kPossessionMessage =
    "keyward pkcs11 proof of possession v1";

absl::string_view View(const SecretBytes& bytes) {
  return absl::string_view(reinterpret_cast<const char*>(bytes.data()),
                           bytes.size());
}

std::string Public(SecretBytes bytes) {
  return std::string(bytes.begin(), bytes.end());
}

CK_KEY_TYPE TokenKeyType(v1::KeyAlgorithm algorithm) {
  switch (algorithm) {
    case v1::KEY_ALGORITHM_RSA:
      return CKK_RSA;
    case v1::KEY_ALGORITHM_ED25519:
      return CKK_EC_EDWARDS;
    default:
      return CKK_EC;
  }
}

// PssParameters returns CKM_RSA_PKCS_PSS's parameters for `scheme`: MGF1
// with the scheme's hash, salt as long as the hash (RFC 8446 §4.2.3).
CK_RSA_PKCS_PSS_PARAMS PssParameters(v1::SignatureScheme scheme) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
      return {CKM_SHA384, CKG_MGF1_SHA384, 48};
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
      return {CKM_SHA512, CKG_MGF1_SHA512, 64};
    default:
      return {CKM_SHA256, CKG_MGF1_SHA256, 32};
  }
}

// TokenRsaOperations: the RSA private operations of the pre-master
// decrypter, on the token.
class TokenRsaOperations final : public internal::RsaPrivateOperations {
 public:
  // `public_key` is up-referenced.
  TokenRsaOperations(std::shared_ptr<const KeyObject> object,
                     EVP_PKEY* public_key)
      : object_(std::move(object)),
        public_key_((EVP_PKEY_up_ref(public_key), public_key)),
        k_(EVP_PKEY_get_size(public_key)) {}

  // On the token: c^d mod n (CKM_RSA_X_509). Here: the re-encryption check.
  // Every failure is reported with a fixed message: Unavailable when the
  // token is gone (not data dependent), Internal otherwise. A failed check
  // gives Internal, not the synthetic value: it depends only on whether the
  // device computed correctly, never on the padding, so it tells nothing
  // about the plaintext, and a silently wrong pre-master would hide a
  // faulty HSM.
  absl::StatusOr<SecretBytes> RawDecrypt(
      absl::Span<const uint8_t> c) const override {
    CK_MECHANISM mechanism = {CKM_RSA_X_509, nullptr, 0};
    absl::StatusOr<SecretBytes> em = object_->Decrypt(
        mechanism,
        absl::string_view(reinterpret_cast<const char*>(c.data()), c.size()),
        k_);
    if (!em.ok()) {
      return absl::Status(absl::IsUnavailable(em.status())
                              ? absl::StatusCode::kUnavailable
                              : absl::StatusCode::kInternal,
                          absl::StrCat(object_->pool().Name(),
                                       ": the raw RSA decryption failed"));
    }
    // PKCS #11 leaves modules free to drop leading zero bytes of a raw
    // result (SoftHSM does not); restore the k-byte form the decoding reads
    // at fixed positions. The module's output length is already known to
    // this process, so the copy reveals nothing new.
    if (em->size() > k_) {
      return absl::InternalError(absl::StrCat(
          object_->pool().Name(), ": the raw RSA decryption is too long"));
    }
    if (em->size() < k_) em->insert(em->begin(), k_ - em->size(), 0);
    if (absl::Status checked = CheckRawRsaDecryption(public_key_.get(), *em, c);
        !checked.ok()) {
      return checked;
    }
    return em;
  }

  // On the token: CKM_RSA_PKCS over the given DigestInfo.
  absl::StatusOr<std::string> SignDigestInfo(
      absl::string_view digest_info) const override {
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    absl::StatusOr<SecretBytes> signature =
        object_->Sign(mechanism, digest_info, k_);
    if (!signature.ok()) return signature.status();
    return Public(*std::move(signature));
  }

 private:
  const std::shared_ptr<const KeyObject> object_;
  const EvpPkeyPtr public_key_;
  const size_t k_;
};

absl::Status VerifyEd25519(EVP_PKEY* key, absl::string_view message,
                           absl::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  const auto* m = reinterpret_cast<const unsigned char*>(message.data());
  const auto* s = reinterpret_cast<const unsigned char*>(signature.data());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestVerify(ctx.get(), s, signature.size(), m, message.size()) !=
          1) {
    ERR_clear_error();
    return absl::InternalError("Ed25519 signature does not verify");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> Pkcs11PrivateKey::Create(
    std::shared_ptr<const KeyObject> object, EvpPkeyPtr public_key) {
  if (object == nullptr || public_key == nullptr) {
    return absl::InvalidArgumentError("object or public_key: null");
  }
  absl::StatusOr<KeyType> type = ClassifyKey(public_key.get());
  if (!type.ok()) return type.status();
  const std::string where =
      absl::StrCat(object->pool().Name(), ": ", Describe(object->uri()));
  absl::StatusOr<CK_KEY_TYPE> token_type = object->KeyType();
  if (!token_type.ok()) {
    return absl::FailedPreconditionError(token_type.status().message());
  }
  if (*token_type != TokenKeyType(type->algorithm)) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": the token key's CKA_KEY_TYPE is 0x",
                     absl::Hex(*token_type), "; the certificate holds a ",
                     v1::KeyAlgorithm_Name(type->algorithm), " key"));
  }
  std::unique_ptr<Pkcs11PrivateKey> key(
      new Pkcs11PrivateKey(object, std::move(public_key), *type));
  if (type->algorithm == v1::KEY_ALGORITHM_RSA) {
    absl::StatusOr<internal::RsaPreMasterDecrypter> decrypter =
        internal::RsaPreMasterDecrypter::Create(
            std::make_shared<TokenRsaOperations>(object,
                                                 key->public_key_.get()),
            key->public_key_.get());
    if (!decrypter.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": ", decrypter.status().message()));
    }
    key->decrypter_.emplace(*std::move(decrypter));
  } else if (absl::Status proven = key->ProvePossession(); !proven.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": ", proven.message()));
  }
  return key;
}

absl::Status Pkcs11PrivateKey::ProvePossession() const {
  for (v1::SignatureScheme scheme : KnownSignatureSchemes()) {
    if (!SchemeFitsAlgorithm(scheme, type_.algorithm)) continue;
    absl::StatusOr<std::string> signature =
        SignMessage(scheme, kPossessionMessage);
    if (!signature.ok()) return signature.status();
    absl::Status verified;
    if (scheme == v1::SIGNATURE_SCHEME_ED25519) {
      verified =
          VerifyEd25519(public_key_.get(), kPossessionMessage, *signature);
    } else {
      absl::StatusOr<std::string> digest =
          DigestOfMessage(scheme, type_.algorithm, kPossessionMessage);
      if (!digest.ok()) return digest.status();
      verified =
          EvpVerifyDigest(public_key_.get(), scheme, *digest, *signature);
    }
    if (!verified.ok()) {
      return absl::FailedPreconditionError(
          "the token's key does not match the certificate's public key (a "
          "test signature does not verify)");
    }
    return absl::OkStatus();
  }
  return absl::InternalError("no scheme fits the key");
}

absl::StatusOr<std::string> Pkcs11PrivateKey::SignPureEd25519(
    absl::string_view message) const {
  // CKM_EDDSA without parameters is Ed25519 PureEdDSA (PKCS #11 3.0
  // §2.3.14).
  CK_MECHANISM mechanism = {CKM_EDDSA, nullptr, 0};
  absl::StatusOr<SecretBytes> signature = object_->Sign(mechanism, message, 64);
  if (!signature.ok()) return signature.status();
  return Public(*std::move(signature));
}

absl::StatusOr<std::string> Pkcs11PrivateKey::SignCheckedDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  const size_t key_bytes = (type_.bits + 7) / 8;
  if (type_.algorithm != v1::KEY_ALGORITHM_RSA) {
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    absl::StatusOr<SecretBytes> raw =
        object_->Sign(mechanism, digest, 2 * key_bytes);
    if (!raw.ok()) return raw.status();
    return EcdsaRawToDer(View(*raw));
  }
  absl::StatusOr<SecretBytes> signature;
  if (IsRsaPssScheme(scheme)) {
    CK_RSA_PKCS_PSS_PARAMS parameters = PssParameters(scheme);
    CK_MECHANISM mechanism = {CKM_RSA_PKCS_PSS, &parameters,
                              sizeof(parameters)};
    signature = object_->Sign(mechanism, digest, key_bytes);
  } else {
    absl::StatusOr<std::string> input = Pkcs1SignatureInput(scheme, digest);
    if (!input.ok()) return input.status();
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    signature = object_->Sign(mechanism, *input, key_bytes);
  }
  if (!signature.ok()) return signature.status();
  std::string out = Public(*std::move(signature));
  // A fault in the token's CRT computation gives a signature from which the
  // modulus factors (Boneh, DeMillo, Lipton 1997; Lenstra's note): never
  // let one out unverified.
  if (!EvpVerifyDigest(public_key_.get(), scheme, digest, out).ok()) {
    OPENSSL_cleanse(&out[0], out.size());
    return absl::InternalError(
        "RSA signature from the token failed its verification with the "
        "public key; withheld");
  }
  return out;
}

absl::StatusOr<SecretBytes> Pkcs11PrivateKey::DecryptPreMaster(
    absl::string_view ciphertext, uint16_t client_version) const {
  if (!decrypter_.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("DecryptPreMaster needs an RSA key; this is a ",
                     v1::KeyAlgorithm_Name(type_.algorithm), " key"));
  }
  return decrypter_->Decrypt(ciphertext, client_version);
}

}  // namespace keyward::keystore::pkcs11
