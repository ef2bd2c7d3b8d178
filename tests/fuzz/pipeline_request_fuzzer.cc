// Fuzzes every KeyService request kind end to end. The input is a
// keyward.v1.PipelineRequest (request_id also picks the caller, see
// FuzzKeystore); it runs through RunPipelineRequest, the dispatch of the
// Pipeline stream over the Run* operations the unary RPCs use, against the
// fuzz keystore. Invariants, on every input:
//  - the response echoes request_id and carries a documented status (a
//    non-empty printable message unless OK); a result iff OK, of the
//    request's kind; every NOT_FOUND says the same (absent = hidden);
//  - a request the Validate* function refuses gets exactly that status, an
//    INVALID_ARGUMENT naming a field of the request;
//  - a request validation accepts is never refused for what validation
//    covers: what happens follows from GetKey with the same selector (the
//    key and what the caller may do with it): NOT_FOUND, FAILED_PRECONDITION
//    or success, and INVALID_ARGUMENT only for a ciphertext that is not of
//    the key's modulus length;
//  - signatures verify under the key's certificate; DecryptPreMaster and
//    RsaKeyExchange answer every ciphertext of the modulus length (whatever
//    its padding) with OK and 48 bytes, the same bytes for the same
//    ciphertext, and RsaKeyExchange is the TLS 1.2 PRF over them;
//  - DeriveSessionKeys answers every valid request with keys of the
//    suite's lengths.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "handshake/tls_signed_content.h"
#include "keyward/v1/key_service.pb.h"
#include "service/operations.h"
#include "service/pipeline_dispatch.h"
#include "service/request_validation.h"
#include "service/session_keys.h"
#include "tests/fuzz/fuzz_keystore.h"
#include "tests/fuzz/invariant.h"
#include "tests/fuzz/parse_input.h"
#include "tests/fuzz/parseable_mutator.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/signature_check.h"

namespace keyward::fuzz {
namespace {

using v1::PipelineRequest;
using v1::PipelineResponse;

// Target is the key an operation uses as GetKey describes it, when the
// selector names one the caller may see.
struct Target {
  bool found = false;
  v1::KeyInfo key;

  // Grants reports whether the caller may do `operation` (and sign with
  // `scheme`, unless UNSPECIFIED) with the key.
  bool Grants(
      v1::Operation operation,
      v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED) const {
    bool operation_ok = false;
    for (int granted : key.allowed_operations()) {
      operation_ok |= granted == operation;
    }
    bool scheme_ok = scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED;
    for (int allowed : key.allowed_schemes()) scheme_ok |= allowed == scheme;
    return found && operation_ok && scheme_ok;
  }
  size_t ModulusLength() const { return (key.key_bits() + 7) / 8; }
};

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        (c < 'a' || c > 'f')) {
      return false;
    }
  }
  return true;
}

// Describe runs GetKey for `selector` and checks its own invariants.
Target Describe(const v1::KeySelector& selector,
                const service::OperationContext& context, bool stranger) {
  v1::GetKeyRequest request;
  *request.mutable_key() = selector;
  absl::StatusOr<v1::GetKeyResponse> response =
      service::RunGetKey(request, context);
  KEYWARD_FUZZ_REQUIRE(response.ok() || absl::IsNotFound(response.status()));
  if (!response.ok()) return Target{};
  KEYWARD_FUZZ_REQUIRE(!stranger);
  const v1::KeyInfo& key = response->key();
  KEYWARD_FUZZ_REQUIRE(key.key_id().size() == 64 && IsLowerHex(key.key_id()));
  KEYWARD_FUZZ_REQUIRE(key.allowed_operations_size() > 0);
  switch (selector.selector_case()) {
    case v1::KeySelector::kKeyId:
      KEYWARD_FUZZ_REQUIRE(key.key_id() == selector.key_id());
      break;
    case v1::KeySelector::kCertificateSha256:
      KEYWARD_FUZZ_REQUIRE(key.certificate_sha256() ==
                           selector.certificate_sha256());
      break;
    case v1::KeySelector::kServerName:
      KEYWARD_FUZZ_REQUIRE(key.state() == v1::KEY_STATE_CURRENT);
      KEYWARD_FUZZ_REQUIRE(
          CoversHost(key, absl::AsciiStrToLower(selector.server_name())));
      break;
    case v1::KeySelector::SELECTOR_NOT_SET:
      KEYWARD_FUZZ_REQUIRE(false);
  }
  return Target{true, key};
}

// RequireResolution checks the outcome of an operation that needs
// `operation` (and `scheme`) against `target`: NOT_FOUND when GetKey found
// nothing, FAILED_PRECONDITION when the caller may not do it with the key,
// else not a refusal of the key. Returns whether the key was usable.
bool RequireResolution(
    const absl::Status& status, const Target& target, v1::Operation operation,
    v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED) {
  if (!target.found) {
    KEYWARD_FUZZ_REQUIRE(absl::IsNotFound(status));
    return false;
  }
  if (!target.Grants(operation, scheme)) {
    KEYWARD_FUZZ_REQUIRE(absl::IsFailedPrecondition(status));
    return false;
  }
  return true;
}

// CheckGetKey: GetKey answers what Describe found, or NOT_FOUND.
void CheckGetKey(const absl::Status& status, const v1::GetKeyResponse& response,
                 const Target& target) {
  KEYWARD_FUZZ_REQUIRE(status.ok() == target.found);
  if (status.ok()) {
    KEYWARD_FUZZ_REQUIRE(response.key().SerializeAsString() ==
                         target.key.SerializeAsString());
  } else {
    KEYWARD_FUZZ_REQUIRE(absl::IsNotFound(status));
  }
}

std::string SignedContent(const v1::SignRequest& request) {
  absl::StatusOr<std::string> content;
  switch (request.input_case()) {
    case v1::SignRequest::kTls13CertificateVerify:
      content = handshake::BuildTls13ServerCertificateVerifyInput(
          request.tls13_certificate_verify().transcript_hash());
      break;
    case v1::SignRequest::kTls12ServerKeyExchange: {
      const v1::Tls12ServerKeyExchange& ske =
          request.tls12_server_key_exchange();
      content = handshake::BuildTls12ServerKeyExchangeInput(
          ske.client_random(), ske.server_random(), ske.server_params());
      break;
    }
    default:
      content = request.message();
  }
  KEYWARD_FUZZ_REQUIRE(content.ok());
  return *content;
}

void CheckSign(const v1::SignRequest& request, const absl::Status& status,
               const v1::SignResponse& response, const Target& target) {
  const bool raw = request.input_case() == v1::SignRequest::kDigest ||
                   request.input_case() == v1::SignRequest::kMessage;
  if (!RequireResolution(
          status, target,
          raw ? v1::OPERATION_SIGN_RAW : v1::OPERATION_SIGN_STRUCTURED,
          request.scheme())) {
    return;
  }
  KEYWARD_FUZZ_REQUIRE(status.ok());
  KEYWARD_FUZZ_REQUIRE(response.key_id() == target.key.key_id());
  EVP_PKEY* public_key = FuzzKeystore::Get().PublicKey(response.key_id());
  KEYWARD_FUZZ_REQUIRE(public_key != nullptr);
  if (request.input_case() == v1::SignRequest::kDigest) {
    KEYWARD_FUZZ_REQUIRE(testing::VerifyDigestSignature(
        request.scheme(), public_key, request.digest(), response.signature()));
  } else {
    KEYWARD_FUZZ_REQUIRE(testing::VerifyMessageSignature(
        request.scheme(), public_key, SignedContent(request),
        response.signature()));
  }
}

// CheckCiphertext checks an RSA key exchange outcome up to its result:
// OK for a ciphertext of the modulus length, whatever its padding, and
// INVALID_ARGUMENT naming it otherwise. Returns whether the result is to
// be checked.
bool CheckCiphertext(absl::string_view ciphertext, const absl::Status& status,
                     absl::string_view key_id, const Target& target) {
  if (!RequireResolution(status, target, v1::OPERATION_RSA_KEY_EXCHANGE)) {
    return false;
  }
  if (ciphertext.size() != target.ModulusLength()) {
    RequireInvalidField(status, {"encrypted_pre_master"});
    return false;
  }
  KEYWARD_FUZZ_REQUIRE(status.ok());
  KEYWARD_FUZZ_REQUIRE(key_id == target.key.key_id());
  return true;
}

// PreMaster runs DecryptPreMaster again; it must succeed.
std::string PreMaster(const v1::KeySelector& key, absl::string_view ciphertext,
                      uint32_t client_version,
                      const service::OperationContext& context) {
  v1::DecryptPreMasterRequest request;
  *request.mutable_key() = key;
  request.set_encrypted_pre_master(std::string(ciphertext));
  request.set_client_version(client_version);
  absl::StatusOr<v1::DecryptPreMasterResponse> response =
      service::RunDecryptPreMaster(request, context);
  KEYWARD_FUZZ_REQUIRE(response.ok());
  return response->pre_master_secret();
}

void CheckDecryptPreMaster(const v1::DecryptPreMasterRequest& request,
                           const absl::Status& status,
                           const v1::DecryptPreMasterResponse& response,
                           const Target& target,
                           const service::OperationContext& context) {
  if (!CheckCiphertext(request.encrypted_pre_master(), status,
                       response.key_id(), target)) {
    return;
  }
  KEYWARD_FUZZ_REQUIRE(response.pre_master_secret().size() == 48);
  // Deterministic: a fresh random answer per call would be an oracle.
  KEYWARD_FUZZ_REQUIRE(PreMaster(request.key(), request.encrypted_pre_master(),
                                 request.client_version(),
                                 context) == response.pre_master_secret());
}

void CheckRsaKeyExchange(const v1::RsaKeyExchangeRequest& request,
                         const absl::Status& status,
                         const v1::RsaKeyExchangeResponse& response,
                         const Target& target,
                         const service::OperationContext& context) {
  if (!CheckCiphertext(request.encrypted_pre_master(), status,
                       response.key_id(), target)) {
    return;
  }
  // RFC 5246 §8.1 and §6.3, RFC 7627 §4, over DecryptPreMaster's answer.
  const std::string pre_master =
      PreMaster(request.key(), request.encrypted_pre_master(),
                request.client_version(), context);
  const char* digest =
      request.prf_hash() == v1::PRF_HASH_SHA384 ? "SHA2-384" : "SHA2-256";
  const std::string master =
      request.session_hash().empty()
          ? testing::OpenSslTlsPrf(
                digest, pre_master, "master secret",
                absl::StrCat(request.client_random(), request.server_random()),
                48)
          : testing::OpenSslTlsPrf(digest, pre_master, "extended master secret",
                                   request.session_hash(), 48);
  KEYWARD_FUZZ_REQUIRE(master.size() == 48);
  KEYWARD_FUZZ_REQUIRE(response.master_secret() == master);
  const std::string key_block =
      request.key_block_length() == 0
          ? ""
          : testing::OpenSslTlsPrf(
                digest, master, "key expansion",
                absl::StrCat(request.server_random(), request.client_random()),
                request.key_block_length());
  KEYWARD_FUZZ_REQUIRE(response.key_block().size() ==
                       request.key_block_length());
  KEYWARD_FUZZ_REQUIRE(response.key_block() == key_block);
}

void CheckTrafficKeys(const v1::TrafficKeys& keys, size_t hash_length,
                      size_t key_length) {
  KEYWARD_FUZZ_REQUIRE(keys.secret().size() == hash_length);
  KEYWARD_FUZZ_REQUIRE(keys.key().size() == key_length);
  KEYWARD_FUZZ_REQUIRE(keys.iv().size() == 12);  // RFC 8446 §5.3
}

void CheckDeriveSessionKeys(const v1::DeriveSessionKeysRequest& request,
                            const absl::Status& status,
                            const v1::DeriveSessionKeysResponse& response) {
  KEYWARD_FUZZ_REQUIRE(status.ok());
  if (request.has_tls12()) {
    KEYWARD_FUZZ_REQUIRE(response.has_tls12());
    const v1::Tls12SessionKeys& keys = response.tls12();
    KEYWARD_FUZZ_REQUIRE(keys.client_write_mac_key().size() ==
                         keys.server_write_mac_key().size());
    KEYWARD_FUZZ_REQUIRE(keys.client_write_key().size() ==
                         keys.server_write_key().size());
    KEYWARD_FUZZ_REQUIRE(!keys.client_write_key().empty());
    KEYWARD_FUZZ_REQUIRE(keys.client_write_iv().size() ==
                         keys.server_write_iv().size());
    return;
  }
  // RFC 8446 §B.4: 0x1302 is the SHA-384 suite; 0x1301 has 16-byte keys.
  KEYWARD_FUZZ_REQUIRE(response.has_tls13());
  const uint32_t suite = request.tls13().cipher_suite();
  const size_t hash_length = suite == 0x1302 ? 48 : 32;
  const size_t key_length = suite == 0x1301 ? 16 : 32;
  const v1::Tls13SessionKeys& keys = response.tls13();
  CheckTrafficKeys(keys.client_handshake(), hash_length, key_length);
  CheckTrafficKeys(keys.server_handshake(), hash_length, key_length);
  CheckTrafficKeys(keys.client_application(), hash_length, key_length);
  CheckTrafficKeys(keys.server_application(), hash_length, key_length);
  KEYWARD_FUZZ_REQUIRE(keys.exporter_master_secret().size() == hash_length);
  KEYWARD_FUZZ_REQUIRE(
      keys.resumption_master_secret().size() ==
      (request.tls13().client_finished_hash().empty() ? 0 : hash_length));
}

// Validation is the request's own Validate* verdict, and the fields its
// errors may name.
struct Validation {
  absl::Status status;
  std::vector<absl::string_view> fields;
  PipelineResponse::ResultCase result;
};

Validation Validate(const PipelineRequest& request) {
  switch (request.operation_case()) {
    case PipelineRequest::kSign:
      return {service::ValidateSignRequest(request.sign()),
              {"key", "scheme", "tls13_certificate_verify",
               "tls12_server_key_exchange", "digest", "message", "input"},
              PipelineResponse::kSign};
    case PipelineRequest::kDecryptPreMaster:
      return {service::ValidateDecryptPreMasterRequest(
                  request.decrypt_pre_master()),
              {"key", "encrypted_pre_master", "client_version"},
              PipelineResponse::kDecryptPreMaster};
    case PipelineRequest::kRsaKeyExchange:
      return {
          service::ValidateRsaKeyExchangeRequest(request.rsa_key_exchange()),
          {"key", "encrypted_pre_master", "client_version", "client_random",
           "server_random", "prf_hash", "session_hash", "key_block_length"},
          PipelineResponse::kRsaKeyExchange};
    case PipelineRequest::kDeriveSessionKeys:
      return {service::ValidateDeriveSessionKeysRequest(
                  request.derive_session_keys()),
              {"tls13", "tls12", "schedule"},
              PipelineResponse::kDeriveSessionKeys};
    case PipelineRequest::kGetKey:
      return {service::ValidateGetKeyRequest(request.get_key()),
              {"key"},
              PipelineResponse::kGetKey};
    case PipelineRequest::OPERATION_NOT_SET:
      break;
  }
  return {absl::InvalidArgumentError("operation: not set"),
          {"operation"},
          PipelineResponse::RESULT_NOT_SET};
}

v1::KeySelector* MutableSelector(PipelineRequest* request) {
  switch (request->operation_case()) {
    case PipelineRequest::kSign:
      return request->mutable_sign()->mutable_key();
    case PipelineRequest::kDecryptPreMaster:
      return request->mutable_decrypt_pre_master()->mutable_key();
    case PipelineRequest::kRsaKeyExchange:
      return request->mutable_rsa_key_exchange()->mutable_key();
    case PipelineRequest::kGetKey:
      return request->mutable_get_key()->mutable_key();
    default:
      return nullptr;
  }
}

// Run checks the invariants above for one input.
void Run(absl::string_view input) {
  PipelineRequest request;
  if (!ParseInput(input, &request)) return;
  const FuzzKeystore& keystore = FuzzKeystore::Get();
  if (v1::KeySelector* selector = MutableSelector(&request)) {
    keystore.ResolvePlaceholders(selector);
  }
  const bool stranger = request.request_id() % FuzzKeystore::kCallerCount ==
                        FuzzKeystore::kStranger;
  const service::OperationContext context =
      keystore.Context(request.request_id());

  const Validation validation = Validate(request);
  const PipelineResponse response =
      service::RunPipelineRequest(request, context);
  const absl::Status status(
      static_cast<absl::StatusCode>(response.status().code()),
      response.status().message());
  KEYWARD_FUZZ_REQUIRE(response.request_id() == request.request_id());
  RequireDocumentedStatus(status);
  KEYWARD_FUZZ_REQUIRE(!absl::IsNotFound(status) ||
                       status.message() == keystore.NotFoundMessage());
  KEYWARD_FUZZ_REQUIRE(
      response.result_case() ==
      (status.ok() ? validation.result : PipelineResponse::RESULT_NOT_SET));
  if (!validation.status.ok()) {
    RequireInvalidField(validation.status, validation.fields);
    // Validation comes first, and decides alone. (Without an operation
    // there is no Validate* function to compare with.)
    KEYWARD_FUZZ_REQUIRE(request.operation_case() ==
                             PipelineRequest::OPERATION_NOT_SET ||
                         status == validation.status);
    RequireInvalidField(status, validation.fields);
    return;
  }

  switch (request.operation_case()) {
    case PipelineRequest::kSign:
      CheckSign(request.sign(), status, response.sign(),
                Describe(request.sign().key(), context, stranger));
      break;
    case PipelineRequest::kDecryptPreMaster:
      CheckDecryptPreMaster(
          request.decrypt_pre_master(), status, response.decrypt_pre_master(),
          Describe(request.decrypt_pre_master().key(), context, stranger),
          context);
      break;
    case PipelineRequest::kRsaKeyExchange:
      CheckRsaKeyExchange(
          request.rsa_key_exchange(), status, response.rsa_key_exchange(),
          Describe(request.rsa_key_exchange().key(), context, stranger),
          context);
      break;
    case PipelineRequest::kDeriveSessionKeys:
      CheckDeriveSessionKeys(request.derive_session_keys(), status,
                             response.derive_session_keys());
      break;
    case PipelineRequest::kGetKey:
      CheckGetKey(status, response.get_key(),
                  Describe(request.get_key().key(), context, stranger));
      break;
    case PipelineRequest::OPERATION_NOT_SET:
      break;
  }
}

}  // namespace
}  // namespace keyward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::fuzz::Run(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

#ifdef KEYWARD_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size,
                                          size_t max_size,
                                          unsigned int /*seed*/) {
  return keyward::fuzz::MutateParseable<keyward::v1::PipelineRequest>(
      data, size, max_size);
}
#endif
