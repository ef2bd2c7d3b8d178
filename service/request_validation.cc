#include "service/request_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "handshake/tls12_prf.h"
#include "handshake/tls_signed_content.h"
#include "service/field_checks.h"
#include "service/server_name.h"
#include "service/signature_scheme.h"

namespace keyward::service {
namespace {

absl::Status ValidateKeyId(absl::string_view key_id, absl::string_view field) {
  if (key_id.size() != kKeyIdLength) {
    return InvalidField(
        field, absl::StrCat(key_id.size(), " characters, want ", kKeyIdLength,
                            " lowercase hex digits"));
  }
  for (char c : key_id) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        (c < 'a' || c > 'f')) {
      return InvalidField(field, "not lowercase hex");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateEncryptedPreMaster(absl::string_view ciphertext,
                                        uint32_t client_version) {
  if (ciphertext.empty()) return InvalidField("encrypted_pre_master", "empty");
  if (absl::Status status = CheckMaxLength("encrypted_pre_master", ciphertext,
                                           kMaxEncryptedPreMasterLength);
      !status.ok()) {
    return status;
  }
  if (client_version < kMinClientVersion ||
      client_version > kMaxClientVersion) {
    return InvalidField(
        "client_version",
        absl::StrCat("0x", absl::Hex(client_version),
                     " is not a TLS version (0x0300 to 0x03ff)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateStructuredTls13(const v1::SignRequest& request) {
  if (!AllowedInTls13CertificateVerify(request.scheme())) {
    return InvalidField("scheme", absl::StrCat(SchemeName(request.scheme()),
                                               " cannot sign a TLS 1.3 "
                                               "CertificateVerify (RFC 8446 "
                                               "§4.4.3)"));
  }
  return WithinField("tls13_certificate_verify",
                     handshake::BuildTls13ServerCertificateVerifyInput(
                         request.tls13_certificate_verify().transcript_hash())
                         .status());
}

}  // namespace

absl::Status ValidateKeySelector(const v1::KeySelector& selector,
                                 absl::string_view field) {
  switch (selector.selector_case()) {
    case v1::KeySelector::kKeyId:
      return ValidateKeyId(selector.key_id(), absl::StrCat(field, ".key_id"));
    case v1::KeySelector::kServerName:
      return NormalizeServerName(selector.server_name(),
                                 absl::StrCat(field, ".server_name"))
          .status();
    case v1::KeySelector::kCertificateSha256:
      return CheckLength(absl::StrCat(field, ".certificate_sha256"),
                         selector.certificate_sha256(),
                         kCertificateSha256Length);
    case v1::KeySelector::SELECTOR_NOT_SET:
      break;
  }
  return InvalidField(
      field, "required: set key_id, server_name or certificate_sha256");
}

absl::Status ValidateListKeysRequest(const v1::ListKeysRequest& request) {
  if (request.server_name().empty()) return absl::OkStatus();
  return NormalizeServerName(request.server_name(), "server_name").status();
}

absl::Status ValidateGetKeyRequest(const v1::GetKeyRequest& request) {
  return ValidateKeySelector(request.key(), "key");
}

absl::Status ValidateSignRequest(const v1::SignRequest& request) {
  if (absl::Status status =
          FirstError({ValidateKeySelector(request.key(), "key"),
                      CheckSignatureScheme(request.scheme(), "scheme")});
      !status.ok()) {
    return status;
  }
  switch (request.input_case()) {
    case v1::SignRequest::kTls13CertificateVerify:
      return ValidateStructuredTls13(request);
    case v1::SignRequest::kTls12ServerKeyExchange: {
      const v1::Tls12ServerKeyExchange& ske =
          request.tls12_server_key_exchange();
      return WithinField(
          "tls12_server_key_exchange",
          handshake::BuildTls12ServerKeyExchangeInput(
              ske.client_random(), ske.server_random(), ske.server_params())
              .status());
    }
    case v1::SignRequest::kDigest: {
      const size_t length = SchemeDigestLength(request.scheme());
      if (length == 0) {
        return InvalidField("digest",
                            absl::StrCat(SchemeName(request.scheme()),
                                         " signs messages, not digests"));
      }
      return CheckLength("digest", request.digest(), length);
    }
    case v1::SignRequest::kMessage:
      return CheckMaxLength("message", request.message(),
                            kMaxSignMessageLength);
    case v1::SignRequest::INPUT_NOT_SET:
      break;
  }
  return InvalidField("input",
                      "required: set tls13_certificate_verify, "
                      "tls12_server_key_exchange, digest or message");
}

absl::Status ValidateDecryptPreMasterRequest(
    const v1::DecryptPreMasterRequest& request) {
  return FirstError({ValidateKeySelector(request.key(), "key"),
                     ValidateEncryptedPreMaster(request.encrypted_pre_master(),
                                                request.client_version())});
}

absl::Status ValidateRsaKeyExchangeRequest(
    const v1::RsaKeyExchangeRequest& request) {
  absl::StatusOr<handshake::HashAlgorithm> prf_hash =
      PrfHashAlgorithm(request.prf_hash(), "prf_hash");
  return FirstError({
      ValidateKeySelector(request.key(), "key"),
      ValidateEncryptedPreMaster(request.encrypted_pre_master(),
                                 request.client_version()),
      CheckLength("client_random", request.client_random(),
                  handshake::kTls12RandomLength),
      CheckLength("server_random", request.server_random(),
                  handshake::kTls12RandomLength),
      prf_hash.status(),
      request.session_hash().empty() || !prf_hash.ok()
          ? absl::OkStatus()
          : CheckLength("session_hash", request.session_hash(),
                        handshake::HashLength(*prf_hash)),
      request.key_block_length() <= handshake::kTls12MaxKeyBlockLength
          ? absl::OkStatus()
          : InvalidField("key_block_length",
                         absl::StrCat(request.key_block_length(), ", at most ",
                                      handshake::kTls12MaxKeyBlockLength)),
  });
}

absl::StatusOr<handshake::HashAlgorithm> PrfHashAlgorithm(
    v1::PrfHash prf_hash, absl::string_view field) {
  switch (prf_hash) {
    case v1::PRF_HASH_SHA256:
      return handshake::HashAlgorithm::kSha256;
    case v1::PRF_HASH_SHA384:
      return handshake::HashAlgorithm::kSha384;
    case v1::PRF_HASH_UNSPECIFIED:
      return InvalidField(field, "required");
    default:
      return InvalidField(
          field, absl::StrCat("unknown value ", static_cast<int>(prf_hash)));
  }
}

}  // namespace keyward::service
