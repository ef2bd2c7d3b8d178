#include "tests/support/signature_check.h"

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"

namespace keyward::testing {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

const uint8_t* Bytes(absl::string_view data) {
  return reinterpret_cast<const uint8_t*>(data.data());
}

// SchemeMd is the scheme's hash; nullptr for Ed25519.
const EVP_MD* SchemeMd(v1::SignatureScheme scheme) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256:
      return EVP_sha256();
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384:
      return EVP_sha384();
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
      return EVP_sha512();
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      return EVP_md5_sha1();
    default:
      return nullptr;
  }
}

bool IsPss(v1::SignatureScheme scheme) {
  return scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512;
}

// ConfigureRsa sets the padding TLS uses for `scheme` on an RSA context.
bool ConfigureRsa(v1::SignatureScheme scheme, EVP_PKEY_CTX* ctx) {
  if (EVP_PKEY_get_base_id(EVP_PKEY_CTX_get0_pkey(ctx)) != EVP_PKEY_RSA) {
    return true;
  }
  if (!IsPss(scheme)) {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  }
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, SchemeMd(scheme)) == 1;
}

::testing::AssertionResult Verdict(int result, v1::SignatureScheme scheme) {
  if (result == 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << v1::SignatureScheme_Name(scheme) << " signature does not verify";
}

}  // namespace

EvpPkeyPtr PublicKeyOfCertificate(absl::string_view certificate_der) {
  const uint8_t* in = Bytes(certificate_der);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &in, static_cast<long>(certificate_der.size())),
      X509_free);
  EvpPkeyPtr out(cert == nullptr ? nullptr : X509_get_pubkey(cert.get()),
                 EVP_PKEY_free);
  EXPECT_NE(out, nullptr) << "certificate does not parse";
  return out;
}

std::string SpkiOfCertificate(absl::string_view certificate_der) {
  EvpPkeyPtr key = PublicKeyOfCertificate(certificate_der);
  unsigned char* der = nullptr;
  const int length = key == nullptr ? -1 : i2d_PUBKEY(key.get(), &der);
  if (length <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

::testing::AssertionResult VerifyMessageSignature(v1::SignatureScheme scheme,
                                                  EVP_PKEY* public_key,
                                                  absl::string_view message,
                                                  absl::string_view signature) {
  if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) {
    return VerifyDigestSignature(scheme, public_key, Digest(scheme, message),
                                 signature);
  }
  MdCtxPtr md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by `md`.
  if (md == nullptr ||
      EVP_DigestVerifyInit(md.get(), &pctx, SchemeMd(scheme), nullptr,
                           public_key) != 1 ||
      !ConfigureRsa(scheme, pctx)) {
    return ::testing::AssertionFailure() << "cannot set up verification";
  }
  return Verdict(EVP_DigestVerify(md.get(), Bytes(signature), signature.size(),
                                  Bytes(message), message.size()),
                 scheme);
}

::testing::AssertionResult VerifyDigestSignature(v1::SignatureScheme scheme,
                                                 EVP_PKEY* public_key,
                                                 absl::string_view digest,
                                                 absl::string_view signature) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(public_key, nullptr), EVP_PKEY_CTX_free);
  if (ctx == nullptr || SchemeMd(scheme) == nullptr ||
      EVP_PKEY_verify_init(ctx.get()) != 1 ||
      !ConfigureRsa(scheme, ctx.get()) ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), SchemeMd(scheme)) != 1) {
    return ::testing::AssertionFailure() << "cannot set up verification";
  }
  return Verdict(EVP_PKEY_verify(ctx.get(), Bytes(signature), signature.size(),
                                 Bytes(digest), digest.size()),
                 scheme);
}

std::string Digest(v1::SignatureScheme scheme, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (SchemeMd(scheme) == nullptr ||
      EVP_Digest(message.data(), message.size(), out, &length, SchemeMd(scheme),
                 nullptr) != 1) {
    ADD_FAILURE() << "cannot hash for " << v1::SignatureScheme_Name(scheme);
    return "";
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

}  // namespace keyward::testing
