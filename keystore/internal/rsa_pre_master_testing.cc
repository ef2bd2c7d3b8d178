#include "keystore/internal/rsa_pre_master_testing.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/internal/rsa_pre_master.h"

namespace keyward::keystore::internal::test {
namespace {

using Bytes = std::vector<uint8_t>;

absl::Status Failure(absl::string_view what) {
  const unsigned long code = ERR_get_error();  // NOLINT: OpenSSL's type
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(
      what, " failed: ", code == 0 ? "" : ERR_reason_error_string(code)));
}

using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

// RsaCrypt runs EVP_PKEY_encrypt (public) or EVP_PKEY_decrypt (private)
// with `padding`.
absl::StatusOr<Bytes> RsaCrypt(EVP_PKEY* key, bool encrypt, int padding,
                               absl::Span<const uint8_t> in) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr),
              EVP_PKEY_CTX_free);
  if (ctx == nullptr) return Failure("EVP_PKEY_CTX_new_from_pkey");
  const int init = encrypt ? EVP_PKEY_encrypt_init(ctx.get())
                           : EVP_PKEY_decrypt_init(ctx.get());
  if (init != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) != 1) {
    return Failure("EVP_PKEY_*crypt_init");
  }
  Bytes out(EVP_PKEY_get_size(key));
  size_t out_length = out.size();
  const int done = encrypt
                       ? EVP_PKEY_encrypt(ctx.get(), out.data(), &out_length,
                                          in.data(), in.size())
                       : EVP_PKEY_decrypt(ctx.get(), out.data(), &out_length,
                                          in.data(), in.size());
  if (done != 1) {
    return Failure(encrypt ? "EVP_PKEY_encrypt" : "EVP_PKEY_decrypt");
  }
  out.resize(out_length);
  return out;
}

absl::Span<const uint8_t> Span(absl::string_view text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                             text.size());
}

std::string String(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// HmacSha256 is HMAC-SHA256(key, data) (RFC 2104).
absl::StatusOr<Bytes> HmacSha256(absl::Span<const uint8_t> key,
                                 absl::Span<const uint8_t> data) {
  Bytes mac(32);
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(),
           data.size(), mac.data(), &mac_length) == nullptr ||
      mac_length != mac.size()) {
    return Failure("HMAC");
  }
  return mac;
}

// RejectionSeed signs kRejectionSeedMessage with RSASSA-PKCS1-v1_5 and
// SHA-512/256 through EVP_DigestSign, which hashes and builds the
// DigestInfo itself (the implementation hand-builds it).
absl::StatusOr<Bytes> RejectionSeed(EVP_PKEY* key) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), &pkey_ctx, EVP_sha512_256(), nullptr,
                         key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1) {
    return Failure("EVP_DigestSignInit");
  }
  Bytes signature(EVP_PKEY_get_size(key));
  size_t length = signature.size();
  if (EVP_DigestSign(ctx.get(), signature.data(), &length,
                     Span(kRejectionSeedMessage).data(),
                     kRejectionSeedMessage.size()) != 1) {
    return Failure("EVP_DigestSign");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

absl::StatusOr<std::string> RawRsaPublic(EVP_PKEY* key,
                                         absl::Span<const uint8_t> em) {
  absl::StatusOr<Bytes> c = RsaCrypt(key, true, RSA_NO_PADDING, em);
  if (!c.ok()) return c.status();
  return String(*c);
}

absl::StatusOr<Bytes> RawRsaPrivate(EVP_PKEY* key,
                                    absl::string_view ciphertext) {
  return RsaCrypt(key, false, RSA_NO_PADDING, Span(ciphertext));
}

absl::StatusOr<std::string> Pkcs1Encrypt(EVP_PKEY* key,
                                         absl::Span<const uint8_t> message) {
  absl::StatusOr<Bytes> c = RsaCrypt(key, true, RSA_PKCS1_PADDING, message);
  if (!c.ok()) return c.status();
  return String(*c);
}

absl::StatusOr<Bytes> ExpectedSyntheticPreMaster(EVP_PKEY* key,
                                                 absl::string_view ciphertext) {
  absl::StatusOr<Bytes> seed = RejectionSeed(key);
  if (!seed.ok()) return seed.status();
  // HKDF-Extract(salt, IKM) = HMAC(salt, IKM) (RFC 5869 §2.2).
  absl::StatusOr<Bytes> rejection_key =
      HmacSha256(Span(kRejectionKeyLabel), *seed);
  OPENSSL_cleanse(seed->data(), seed->size());
  if (!rejection_key.ok()) return rejection_key.status();
  absl::StatusOr<Bytes> prk = HmacSha256(*rejection_key, Span(ciphertext));
  if (!prk.ok()) return prk.status();
  // HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) || info || i).
  Bytes okm;
  Bytes t;
  for (uint8_t i = 1; okm.size() < kPreMasterLength; ++i) {
    Bytes block = t;
    block.insert(block.end(), kSyntheticPreMasterLabel.begin(),
                 kSyntheticPreMasterLabel.end());
    block.push_back(i);
    absl::StatusOr<Bytes> next = HmacSha256(*prk, block);
    if (!next.ok()) return next.status();
    t = *next;
    okm.insert(okm.end(), t.begin(), t.end());
  }
  okm.resize(kPreMasterLength);
  return okm;
}

}  // namespace keyward::keystore::internal::test
