#include "keystore/sign_request.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "handshake/internal/openssl_error.h"
#include "keystore/signature_scheme.h"

namespace keyward::keystore {
namespace {

std::string SchemeName(v1::SignatureScheme scheme) {
  return v1::SignatureScheme_IsValid(scheme)
             ? v1::SignatureScheme_Name(scheme)
             : absl::StrCat(static_cast<int>(scheme));
}

}  // namespace

absl::Status CheckSchemeForKey(v1::SignatureScheme scheme,
                               v1::KeyAlgorithm algorithm) {
  if (scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED ||
      !v1::SignatureScheme_IsValid(scheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("scheme: unspecified or unknown signature scheme ",
                     SchemeName(scheme)));
  }
  if (!SchemeFitsAlgorithm(scheme, algorithm)) {
    return absl::FailedPreconditionError(
        absl::StrCat(SchemeName(scheme), " does not fit a ",
                     v1::KeyAlgorithm_Name(algorithm), " key"));
  }
  return absl::OkStatus();
}

absl::Status CheckDigestRequest(v1::SignatureScheme scheme,
                                v1::KeyAlgorithm algorithm,
                                absl::string_view digest) {
  if (absl::Status status = CheckSchemeForKey(scheme, algorithm);
      !status.ok()) {
    return status;
  }
  if (scheme == v1::SIGNATURE_SCHEME_ED25519) {
    return absl::FailedPreconditionError(
        "Ed25519 signs messages only (RFC 8032 PureEdDSA): use SignMessage");
  }
  const size_t expected = EVP_MD_get_size(SchemeDigest(scheme));
  if (digest.size() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("digest: ", digest.size(), " bytes; ", SchemeName(scheme),
                     " needs exactly ", expected));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> DigestOfMessage(v1::SignatureScheme scheme,
                                            v1::KeyAlgorithm algorithm,
                                            absl::string_view message) {
  if (absl::Status status = CheckSchemeForKey(scheme, algorithm);
      !status.ok()) {
    return status;
  }
  if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) {
    return absl::FailedPreconditionError(
        "RSA_PKCS1_MD5_SHA1 is offered for digests only (SignDigest)");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &length,
                 SchemeDigest(scheme), nullptr) != 1) {
    return handshake::internal::OpenSslError("EVP_Digest");
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

absl::StatusOr<std::string> SchemeCheckedKey::SignMessage(
    v1::SignatureScheme scheme, absl::string_view message) const {
  if (scheme == v1::SIGNATURE_SCHEME_ED25519) {
    if (absl::Status status = CheckSchemeForKey(scheme, algorithm());
        !status.ok()) {
      return status;
    }
    return SignPureEd25519(message);
  }
  absl::StatusOr<std::string> digest =
      DigestOfMessage(scheme, algorithm(), message);
  if (!digest.ok()) return digest.status();
  return SignCheckedDigest(scheme, *digest);
}

absl::StatusOr<std::string> SchemeCheckedKey::SignDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  if (absl::Status status = CheckDigestRequest(scheme, algorithm(), digest);
      !status.ok()) {
    return status;
  }
  return SignCheckedDigest(scheme, digest);
}

}  // namespace keyward::keystore
