#include "keystore/internal/rsa_pre_master.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "handshake/hash_algorithm.h"
#include "handshake/hkdf.h"

namespace keyward::keystore::internal {

using handshake::HashAlgorithm;
using handshake::SecretBytes;

// State is shared by all copies of one decrypter and never changes.
struct RsaPreMasterDecrypter::State {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr,
                                                          EVP_PKEY_free};
  std::vector<uint8_t> modulus;  // n, big-endian, k bytes (public)
  SecretBytes rejection_key;     // see the header
};

namespace {

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

// Modulus returns n as k big-endian bytes.
absl::StatusOr<std::vector<uint8_t>> Modulus(EVP_PKEY* key) {
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

// RejectionKey derives the per-key rejection key from the DER encoding of
// the private key (for RSA, OpenSSL's i2d_PrivateKey writes the PKCS #1
// RSAPrivateKey). FailedPrecondition when the key has no private part.
absl::StatusOr<SecretBytes> RejectionKey(EVP_PKEY* key) {
  unsigned char* raw_der = nullptr;
  const int der_length = i2d_PrivateKey(key, &raw_der);
  if (der_length <= 0) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        "rsa_key: the private key cannot be encoded (a public key only?)");
  }
  SecretBytes der(raw_der, raw_der + der_length);
  OPENSSL_clear_free(raw_der, der_length);
  return handshake::HkdfExtract(HashAlgorithm::kSha256,
                                Bytes(kRejectionKeyLabel), der);
}

}  // namespace

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
  auto state = std::make_shared<State>();
  absl::StatusOr<std::vector<uint8_t>> modulus = Modulus(rsa_key);
  if (!modulus.ok()) return modulus.status();
  state->modulus = *std::move(modulus);
  absl::StatusOr<SecretBytes> rejection_key = RejectionKey(rsa_key);
  if (!rejection_key.ok()) return rejection_key.status();
  state->rejection_key = *std::move(rejection_key);
  if (EVP_PKEY_up_ref(rsa_key) != 1) return OpenSslFailure("EVP_PKEY_up_ref");
  state->key.reset(rsa_key);
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

  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, state_->key.get(), nullptr),
      EVP_PKEY_CTX_free);
  if (ctx == nullptr) return OpenSslFailure("EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
    return OpenSslFailure("EVP_PKEY_decrypt_init");
  }
  SecretBytes em(k);
  size_t em_length = em.size();
  if (EVP_PKEY_decrypt(ctx.get(), em.data(), &em_length, c.data(), k) != 1) {
    return OpenSslFailure("EVP_PKEY_decrypt");
  }
  // OpenSSL left-pads the raw result to k bytes; anything else would shift
  // the fixed positions the check reads.
  if (em_length != k) {
    return absl::InternalError(absl::StrCat("EVP_PKEY_decrypt returned ",
                                            em_length, " bytes, not ", k));
  }

  SecretBytes out(kPreMasterLength);
  SelectPkcs1PreMaster(em, client_version, *synthetic, absl::MakeSpan(out));
  return out;
}

}  // namespace keyward::keystore::internal
