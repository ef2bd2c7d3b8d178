#include "clients/openssl_provider/scheme_mapping.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::provider {
namespace {

absl::Status NoScheme(v1::KeyAlgorithm algorithm, int md_nid, int rsa_padding) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the key service has no signature scheme for ",
      v1::KeyAlgorithm_Name(algorithm), " with digest ",
      md_nid == NID_undef ? "none" : OBJ_nid2sn(md_nid),
      algorithm == v1::KEY_ALGORITHM_RSA
          ? (rsa_padding == RSA_PKCS1_PSS_PADDING ? " and PSS padding"
                                                  : " and PKCS#1 padding")
          : ""));
}

v1::SignatureScheme RsaScheme(int md_nid, int rsa_padding) {
  const bool pss = rsa_padding == RSA_PKCS1_PSS_PADDING;
  if (!pss && rsa_padding != RSA_PKCS1_PADDING) {
    return v1::SIGNATURE_SCHEME_UNSPECIFIED;
  }
  switch (md_nid) {
    case NID_sha256:
      return pss ? v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256
                 : v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256;
    case NID_sha384:
      return pss ? v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384
                 : v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384;
    case NID_sha512:
      return pss ? v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512
                 : v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512;
    default:
      return v1::SIGNATURE_SCHEME_UNSPECIFIED;
  }
}

}  // namespace

v1::KeyAlgorithm KeyAlgorithmOf(const EVP_PKEY* public_key) {
  if (EVP_PKEY_is_a(public_key, "RSA")) return v1::KEY_ALGORITHM_RSA;
  if (EVP_PKEY_is_a(public_key, "ED25519")) return v1::KEY_ALGORITHM_ED25519;
  if (!EVP_PKEY_is_a(public_key, "EC")) return v1::KEY_ALGORITHM_UNSPECIFIED;
  char group[64] = {};
  if (EVP_PKEY_get_utf8_string_param(public_key, OSSL_PKEY_PARAM_GROUP_NAME,
                                     group, sizeof group, nullptr) != 1) {
    return v1::KEY_ALGORITHM_UNSPECIFIED;
  }
  switch (OBJ_sn2nid(group)) {
    case NID_X9_62_prime256v1:
      return v1::KEY_ALGORITHM_ECDSA_P256;
    case NID_secp384r1:
      return v1::KEY_ALGORITHM_ECDSA_P384;
    default:
      return v1::KEY_ALGORITHM_UNSPECIFIED;
  }
}

absl::StatusOr<v1::SignatureScheme> SignatureSchemeFor(
    v1::KeyAlgorithm algorithm, int md_nid, int rsa_padding) {
  v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED;
  switch (algorithm) {
    case v1::KEY_ALGORITHM_RSA:
      scheme = RsaScheme(md_nid, rsa_padding);
      break;
    case v1::KEY_ALGORITHM_ECDSA_P256:
      if (md_nid == NID_sha256) {
        scheme = v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256;
      }
      break;
    case v1::KEY_ALGORITHM_ECDSA_P384:
      if (md_nid == NID_sha384) {
        scheme = v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384;
      }
      break;
    case v1::KEY_ALGORITHM_ED25519:
      if (md_nid == NID_undef) scheme = v1::SIGNATURE_SCHEME_ED25519;
      break;
    default:
      break;
  }
  if (scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED) {
    return NoScheme(algorithm, md_nid, rsa_padding);
  }
  return scheme;
}

}  // namespace keyward::provider
