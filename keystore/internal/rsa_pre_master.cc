#include "keystore/internal/rsa_pre_master.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/hash_algorithm.h"
#include "handshake/hkdf.h"

namespace keyward::keystore::internal {

using handshake::HashAlgorithm;
using handshake::SecretBytes;

// State is shared by all copies of one decrypter and never changes.
struct RsaPreMasterDecrypter::State {
  std::shared_ptr<const RsaPrivateOperations> operations;
  std::vector<uint8_t> modulus;  // n, big-endian, k bytes (public)
  SecretBytes rejection_key;     // see the header
};

namespace {

using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                             text.size());
}

// OpenSslFailure empties this thread's OpenSSL error queue and returns
// Internal naming `what`. OpenSSL's reason is left out on purpose: on the
// decryption path no message may vary with the ciphertext.
absl::Status OpenSslFailure(absl::string_view what) {
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, " failed"));
}

// OpenSslRsaOperations: the private operations with an OpenSSL key in this
// process (OpenSSL blinds them and checks CRT results).
class OpenSslRsaOperations final : public RsaPrivateOperations {
 public:
  // Takes over one reference to `key`.
  explicit OpenSslRsaOperations(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {}

  absl::StatusOr<SecretBytes> RawDecrypt(
      absl::Span<const uint8_t> c) const override {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr),
                   EVP_PKEY_CTX_free);
    if (ctx == nullptr) return OpenSslFailure("EVP_PKEY_CTX_new_from_pkey");
    if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
      return OpenSslFailure("EVP_PKEY_decrypt_init");
    }
    SecretBytes em(c.size());
    size_t em_length = em.size();
    if (EVP_PKEY_decrypt(ctx.get(), em.data(), &em_length, c.data(),
                         c.size()) != 1) {
      return OpenSslFailure("EVP_PKEY_decrypt");
    }
    // OpenSSL left-pads the raw result to k bytes; anything else would
    // shift the fixed positions the check reads.
    if (em_length != c.size()) {
      return absl::InternalError(absl::StrCat(
          "EVP_PKEY_decrypt returned ", em_length, " bytes, not ", c.size()));
    }
    return em;
  }

  absl::StatusOr<std::string> SignDigestInfo(
      absl::string_view digest_info) const override {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr),
                   EVP_PKEY_CTX_free);
    if (ctx == nullptr) return OpenSslFailure("EVP_PKEY_CTX_new_from_pkey");
    // No signature digest is set: the block is padded and signed as is.
    if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
      return OpenSslFailure("EVP_PKEY_sign_init");
    }
    size_t length = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &length, Bytes(digest_info).data(),
                      digest_info.size()) != 1) {
      return OpenSslFailure("EVP_PKEY_sign (length)");
    }
    std::string signature(length, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<uint8_t*>(&signature[0]),
                      &length, Bytes(digest_info).data(),
                      digest_info.size()) != 1) {
      return OpenSslFailure("EVP_PKEY_sign");
    }
    signature.resize(length);
    return signature;
  }

 private:
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

// Modulus returns n as k big-endian bytes.
absl::StatusOr<std::vector<uint8_t>> Modulus(const EVP_PKEY* key) {
  BIGNUM* raw_n = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &raw_n) != 1) {
    return OpenSslFailure("EVP_PKEY_get_bn_param(n)");
  }
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(raw_n, BN_free);
  const int k = EVP_PKEY_get_size(key);
  if (k <= 0) return OpenSslFailure("EVP_PKEY_get_size");
  std::vector<uint8_t> modulus(k);
  if (BN_bn2binpad(n.get(), modulus.data(), k) != k) {
    return OpenSslFailure("BN_bn2binpad(n)");
  }
  return modulus;
}

// VerifySeed checks the seed signature with the public key (a faulty
// signature would give this replica a rejection key of its own).
absl::Status VerifySeed(const EVP_PKEY* public_key,
                        absl::string_view digest_info,
                        absl::string_view signature) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(
                     nullptr, const_cast<EVP_PKEY*>(public_key), nullptr),
                 EVP_PKEY_CTX_free);
  if (ctx == nullptr) return OpenSslFailure("EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return OpenSslFailure("EVP_PKEY_verify_init");
  }
  if (EVP_PKEY_verify(ctx.get(), Bytes(signature).data(), signature.size(),
                      Bytes(digest_info).data(), digest_info.size()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        "the rejection seed signature does not verify with the public key "
        "(the private key does not match it, or the device computed a "
        "faulty signature)");
  }
  return absl::OkStatus();
}

}  // namespace

std::string RejectionSeedDigestInfo() {
  // DigestInfo prefix for SHA-512/256 (RFC 8017 §9.2, note 1).
  static constexpr uint8_t kPrefix[] = {
      0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x06, 0x05, 0x00, 0x04, 0x20};
  unsigned char digest[32];
  unsigned int length = 0;
  // SHA-512/256 cannot fail on a constant input of a few bytes.
  EVP_Digest(kRejectionSeedMessage.data(), kRejectionSeedMessage.size(), digest,
             &length, EVP_sha512_256(), nullptr);
  std::string out(reinterpret_cast<const char*>(kPrefix), sizeof(kPrefix));
  out.append(reinterpret_cast<const char*>(digest), length);
  return out;
}

RsaPreMasterDecrypter::RsaPreMasterDecrypter(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

absl::StatusOr<RsaPreMasterDecrypter> RsaPreMasterDecrypter::Create(
    EVP_PKEY* rsa_key) {
  if (rsa_key == nullptr) return absl::InvalidArgumentError("rsa_key: null");
  if (EVP_PKEY_get_base_id(rsa_key) != EVP_PKEY_RSA) {
    return absl::FailedPreconditionError(
        "rsa_key: not an RSA (rsaEncryption) key; the TLS RSA key exchange "
        "needs one");
  }
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_D, &d) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        "rsa_key: the key has no private part (a public key only?)");
  }
  BN_clear_free(d);
  if (EVP_PKEY_up_ref(rsa_key) != 1) return OpenSslFailure("EVP_PKEY_up_ref");
  return Create(std::make_shared<OpenSslRsaOperations>(rsa_key), rsa_key);
}

absl::StatusOr<RsaPreMasterDecrypter> RsaPreMasterDecrypter::Create(
    std::shared_ptr<const RsaPrivateOperations> operations,
    const EVP_PKEY* public_key) {
  if (operations == nullptr || public_key == nullptr) {
    return absl::InvalidArgumentError("operations or public_key: null");
  }
  if (EVP_PKEY_get_base_id(public_key) != EVP_PKEY_RSA) {
    return absl::FailedPreconditionError(
        "public_key: not an RSA (rsaEncryption) key; the TLS RSA key "
        "exchange needs one");
  }
  auto state = std::make_shared<State>();
  absl::StatusOr<std::vector<uint8_t>> modulus = Modulus(public_key);
  if (!modulus.ok()) return modulus.status();
  state->modulus = *std::move(modulus);
  const std::string digest_info = RejectionSeedDigestInfo();
  absl::StatusOr<std::string> seed = operations->SignDigestInfo(digest_info);
  if (!seed.ok()) return seed.status();
  absl::Status verified = VerifySeed(public_key, digest_info, *seed);
  absl::StatusOr<SecretBytes> rejection_key =
      verified.ok()
          ? handshake::HkdfExtract(HashAlgorithm::kSha256,
                                   Bytes(kRejectionKeyLabel), Bytes(*seed))
          : absl::StatusOr<SecretBytes>(verified);
  OPENSSL_cleanse(&(*seed)[0], seed->size());
  if (!rejection_key.ok()) return rejection_key.status();
  state->rejection_key = *std::move(rejection_key);
  state->operations = std::move(operations);
  return RsaPreMasterDecrypter(std::move(state));
}

absl::StatusOr<SecretBytes> RsaPreMasterDecrypter::Decrypt(
    absl::string_view ciphertext, uint16_t client_version) const {
  const std::vector<uint8_t>& modulus = state_->modulus;
  const size_t k = modulus.size();
  if (ciphertext.size() != k) {
    return absl::InvalidArgumentError(
        absl::StrCat("ciphertext: ", ciphertext.size(),
                     " bytes; the RSA modulus is ", k, " bytes"));
  }
  const absl::Span<const uint8_t> c = Bytes(ciphertext);

  // Computed for every ciphertext, before anything is known about it.
  absl::StatusOr<SecretBytes> prk =
      handshake::HkdfExtract(HashAlgorithm::kSha256, state_->rejection_key, c);
  if (!prk.ok()) return prk.status();
  absl::StatusOr<SecretBytes> synthetic =
      handshake::HkdfExpand(HashAlgorithm::kSha256, *prk,
                            Bytes(kSyntheticPreMasterLabel), kPreMasterLength);
  if (!synthetic.ok()) return synthetic.status();

  // c >= n is no RSA ciphertext (RFC 8017 §5.1.2 step 1); both are public
  // and equally long, so a byte-wise comparison compares the numbers.
  if (std::memcmp(c.data(), modulus.data(), k) >= 0) return synthetic;

  // The only step that runs where the key lives.
  absl::StatusOr<SecretBytes> em = state_->operations->RawDecrypt(c);
  if (!em.ok()) return em.status();
  if (em->size() != k) {
    return absl::InternalError("the raw RSA decryption has the wrong length");
  }

  SecretBytes out(kPreMasterLength);
  SelectPkcs1PreMaster(*em, client_version, *synthetic, absl::MakeSpan(out));
  return out;
}

}  // namespace keyward::keystore::internal
