#include "service/signature_scheme.h"

#include "absl/strings/str_cat.h"

namespace keyward::service {

absl::Status CheckSignatureScheme(v1::SignatureScheme scheme,
                                  absl::string_view field) {
  if (scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  if (!v1::SignatureScheme_IsValid(scheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": unknown value ", static_cast<int>(scheme)));
  }
  return absl::OkStatus();
}

size_t SchemeDigestLength(v1::SignatureScheme scheme) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256:
      return 32;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384:
      return 48;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
      return 64;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      return 36;  // RFC 4346 §7.4.3: MD5(x) || SHA-1(x).
    default:
      return 0;
  }
}

bool AllowedInTls13CertificateVerify(v1::SignatureScheme scheme) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256:
    case v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384:
    case v1::SIGNATURE_SCHEME_ED25519:
      return true;
    default:
      return false;
  }
}

std::string SchemeName(v1::SignatureScheme scheme) {
  if (v1::SignatureScheme_IsValid(scheme)) {
    return v1::SignatureScheme_Name(scheme);
  }
  return absl::StrCat(static_cast<int>(scheme));
}

}  // namespace keyward::service
