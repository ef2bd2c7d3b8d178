#include "keystore/evp_signature.h"

#include <openssl/rsa.h>

#include "handshake/internal/openssl_error.h"
#include "keystore/openssl_ptr.h"
#include "keystore/signature_scheme.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::internal::OpenSslError;

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// SetSchemeParameters configures a sign or verify context for `scheme`.
absl::Status SetSchemeParameters(EVP_PKEY_CTX* ctx,
                                 v1::SignatureScheme scheme) {
  const EVP_MD* md = SchemeDigest(scheme);
  if (EVP_PKEY_is_a(EVP_PKEY_CTX_get0_pkey(ctx), "RSA")) {
    const bool pss = IsRsaPssScheme(scheme);
    if (EVP_PKEY_CTX_set_rsa_padding(
            ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) <= 0) {
      return OpenSslError("EVP_PKEY_CTX_set_rsa_padding");
    }
    if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) {
      return OpenSslError("EVP_PKEY_CTX_set_signature_md");
    }
    if (pss &&
        (EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) <= 0)) {
      return OpenSslError("RSA-PSS parameters");
    }
    return absl::OkStatus();
  }
  if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) {
    return OpenSslError("EVP_PKEY_CTX_set_signature_md");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EvpPkeyCtxPtr> NewSignContext(EVP_PKEY* key,
                                             v1::SignatureScheme scheme) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr) return OpenSslError("EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_sign_init(ctx.get()) != 1) {
    return OpenSslError("EVP_PKEY_sign_init");
  }
  if (absl::Status status = SetSchemeParameters(ctx.get(), scheme);
      !status.ok()) {
    return status;
  }
  return ctx;
}

absl::StatusOr<std::string> SignWithContext(EVP_PKEY_CTX* ctx,
                                            absl::string_view digest) {
  size_t length = 0;
  if (EVP_PKEY_sign(ctx, nullptr, &length, Bytes(digest), digest.size()) !=
      1) {
    return OpenSslError("EVP_PKEY_sign (length)");
  }
  std::string signature(length, '\0');
  if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(&signature[0]),
                    &length, Bytes(digest), digest.size()) != 1) {
    return OpenSslError("EVP_PKEY_sign");
  }
  signature.resize(length);
  return signature;
}

absl::Status EvpVerifyDigest(EVP_PKEY* key, v1::SignatureScheme scheme,
                             absl::string_view digest,
                             absl::string_view signature) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr) return OpenSslError("EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_verify_init(ctx.get()) != 1) {
    return OpenSslError("EVP_PKEY_verify_init");
  }
  if (absl::Status status = SetSchemeParameters(ctx.get(), scheme);
      !status.ok()) {
    return status;
  }
  if (EVP_PKEY_verify(ctx.get(), Bytes(signature), signature.size(),
                      Bytes(digest), digest.size()) != 1) {
    return OpenSslError("EVP_PKEY_verify");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EvpSignEd25519(EVP_PKEY* key,
                                           absl::string_view message) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslError("EVP_MD_CTX_new");
  // A null digest selects PureEdDSA: the message is signed as is.
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) {
    return OpenSslError("EVP_DigestSignInit(Ed25519)");
  }
  size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, Bytes(message),
                     message.size()) != 1) {
    return OpenSslError("EVP_DigestSign (length)");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&signature[0]),
                     &length, Bytes(message), message.size()) != 1) {
    return OpenSslError("EVP_DigestSign(Ed25519)");
  }
  signature.resize(length);
  return signature;
}

}  // namespace keyward::keystore
