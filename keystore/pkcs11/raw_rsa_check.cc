#include "keystore/pkcs11/raw_rsa_check.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <cstring>
#include <memory>

#include "handshake/secret_bytes.h"

namespace keyward::keystore::pkcs11 {
namespace {

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_clear_free)>;

absl::Status Failure() {
  ERR_clear_error();
  return absl::InternalError(
      "the raw RSA decryption could not be checked with the public key");
}

}  // namespace

absl::Status CheckRawRsaDecryption(const EVP_PKEY* public_key,
                                   absl::Span<const uint8_t> em,
                                   absl::Span<const uint8_t> c) {
  if (em.size() != c.size()) return Failure();
  BIGNUM* raw_n = nullptr;
  BIGNUM* raw_e = nullptr;
  EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_N, &raw_n);
  EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_E, &raw_e);
  BnPtr n(raw_n, BN_clear_free);
  BnPtr e(raw_e, BN_clear_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(),
                                                      BN_CTX_free);
  std::unique_ptr<BN_MONT_CTX, decltype(&BN_MONT_CTX_free)> mont(
      BN_MONT_CTX_new(), BN_MONT_CTX_free);
  BnPtr m(BN_bin2bn(em.data(), em.size(), nullptr), BN_clear_free);
  BnPtr r(BN_new(), BN_clear_free);
  if (n == nullptr || e == nullptr || ctx == nullptr || mont == nullptr ||
      m == nullptr || r == nullptr ||
      BN_MONT_CTX_set(mont.get(), n.get(), ctx.get()) != 1) {
    return Failure();
  }
  BN_set_flags(m.get(), BN_FLG_CONSTTIME);
  handshake::SecretBytes again(c.size());
  if (BN_mod_exp_mont_consttime(r.get(), m.get(), e.get(), n.get(), ctx.get(),
                                mont.get()) != 1 ||
      BN_bn2binpad(r.get(), again.data(), again.size()) !=
          static_cast<int>(again.size())) {
    return Failure();
  }
  if (std::memcmp(again.data(), c.data(), c.size()) != 0) {
    return absl::InternalError(
        "the token's raw RSA decryption failed its check with the public "
        "key (a device fault?); withheld");
  }
  return absl::OkStatus();
}

}  // namespace keyward::keystore::pkcs11
