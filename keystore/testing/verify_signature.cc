#include "keystore/testing/verify_signature.h"

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <string>

#include "keystore/openssl_ptr.h"

namespace keyward::keystore::testing {
namespace {

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string Digest(const EVP_MD* md, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(message.data(), message.size(), out, &length, md, nullptr) !=
      1) {
    return "";
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

::testing::AssertionResult VerifyMd5Sha1(EVP_PKEY* public_key,
                                         absl::string_view message,
                                         absl::string_view signature) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, public_key, nullptr));
  unsigned char recovered[1024];
  size_t length = sizeof(recovered);
  if (ctx == nullptr || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), recovered, &length, Bytes(signature),
                              signature.size()) != 1) {
    return ::testing::AssertionFailure() << "RSA recover failed";
  }
  const std::string expected =
      Digest(EVP_md5(), message) + Digest(EVP_sha1(), message);
  if (std::string(reinterpret_cast<char*>(recovered), length) != expected) {
    return ::testing::AssertionFailure()
           << "the signed block is not MD5(message) || SHA-1(message)";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult VerifySignature(EVP_PKEY* public_key,
                                           v1::SignatureScheme scheme,
                                           absl::string_view message,
                                           absl::string_view signature) {
  const EVP_MD* md = nullptr;
  int pss_salt = 0;  // bytes; 0: not PSS
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      return VerifyMd5Sha1(public_key, message, signature);
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256:
      md = EVP_sha256();
      break;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384:
      md = EVP_sha384();
      break;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
      md = EVP_sha512();
      break;
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256:
      md = EVP_sha256();
      pss_salt = 32;
      break;
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
      md = EVP_sha384();
      pss_salt = 48;
      break;
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
      md = EVP_sha512();
      pss_salt = 64;
      break;
    case v1::SIGNATURE_SCHEME_ED25519:
      break;  // PureEdDSA: no digest
    default:
      return ::testing::AssertionFailure() << "no verifier for " << scheme;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, public_key) != 1) {
    return ::testing::AssertionFailure() << "EVP_DigestVerifyInit failed";
  }
  if (pss_salt != 0 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)) {
    return ::testing::AssertionFailure() << "PSS parameters refused";
  }
  if (EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                       Bytes(message), message.size()) != 1) {
    return ::testing::AssertionFailure()
           << v1::SignatureScheme_Name(scheme) << " signature does not verify";
  }
  return ::testing::AssertionSuccess();
}

EVP_PKEY* PublicKeyOfCertificate(absl::string_view der) {
  const unsigned char* p = Bytes(der);
  X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  return certificate == nullptr ? nullptr : X509_get_pubkey(certificate.get());
}

}  // namespace keyward::keystore::testing
