#include "keystore/signature_scheme.h"

namespace keyward::keystore {

absl::Span<const v1::SignatureScheme> KnownSignatureSchemes() {
  static constexpr v1::SignatureScheme kSchemes[] = {
      v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
      v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
      v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512,
      v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
      v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
      v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
      v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384,
      v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512,
      v1::SIGNATURE_SCHEME_ED25519,
      v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
  };
  return kSchemes;
}

bool SchemeFitsAlgorithm(v1::SignatureScheme scheme,
                         v1::KeyAlgorithm algorithm) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      return algorithm == v1::KEY_ALGORITHM_RSA;
    case v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256:
      return algorithm == v1::KEY_ALGORITHM_ECDSA_P256;
    case v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384:
      return algorithm == v1::KEY_ALGORITHM_ECDSA_P384;
    case v1::SIGNATURE_SCHEME_ED25519:
      return algorithm == v1::KEY_ALGORITHM_ED25519;
    default:
      return false;
  }
}

const EVP_MD* SchemeDigest(v1::SignatureScheme scheme) {
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

bool IsRsaPssScheme(v1::SignatureScheme scheme) {
  return scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512;
}

}  // namespace keyward::keystore
