#include "service/signing.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "absl/status/status.h"
#include "handshake/tls_signed_content.h"

namespace keyward::service {
namespace {

// SignedContent returns what the request's non-digest input signs.
absl::StatusOr<std::string> SignedContent(const v1::SignRequest& request) {
  switch (request.input_case()) {
    case v1::SignRequest::kTls13CertificateVerify:
      return handshake::BuildTls13ServerCertificateVerifyInput(
          request.tls13_certificate_verify().transcript_hash());
    case v1::SignRequest::kTls12ServerKeyExchange: {
      const v1::Tls12ServerKeyExchange& ske =
          request.tls12_server_key_exchange();
      return handshake::BuildTls12ServerKeyExchangeInput(
          ske.client_random(), ske.server_random(), ske.server_params());
    }
    case v1::SignRequest::kMessage:
      return request.message();
    default:
      return absl::InvalidArgumentError("input: no content to sign");
  }
}

// Md5Sha1 returns MD5(content) || SHA-1(content), 36 bytes.
absl::StatusOr<std::string> Md5Sha1(const std::string& content) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(),
                 reinterpret_cast<unsigned char*>(out.data()), &length,
                 EVP_md5_sha1(), nullptr) != 1) {
    ERR_clear_error();
    return absl::InternalError("EVP_Digest(MD5-SHA1) failed");
  }
  out.resize(length);
  return out;
}

}  // namespace

absl::StatusOr<std::string> SignWithKey(const keystore::PrivateKey& key,
                                        const v1::SignRequest& request,
                                        const CallGuard& guard) {
  const v1::SignatureScheme scheme = request.scheme();
  if (request.input_case() == v1::SignRequest::kDigest) {
    if (absl::Status go = guard.Check(); !go.ok()) return go;
    return key.SignDigest(scheme, request.digest());
  }
  absl::StatusOr<std::string> content = SignedContent(request);
  if (!content.ok()) return content.status();
  if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) {
    absl::StatusOr<std::string> digest = Md5Sha1(*content);
    if (!digest.ok()) return digest.status();
    if (absl::Status go = guard.Check(); !go.ok()) return go;
    return key.SignDigest(scheme, *digest);
  }
  if (absl::Status go = guard.Check(); !go.ok()) return go;
  return key.SignMessage(scheme, *content);
}

}  // namespace keyward::service
