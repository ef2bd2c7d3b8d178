#include "service/request_validation.h"

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::StartsWith;

// ExpectInvalid checks that `status` is InvalidArgument and that its
// message starts with `field`.
void ExpectInvalid(const absl::Status& status, absl::string_view field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(std::string(field)));
}

const std::string kKeyId(64, 'a');

std::string EcdhParams() {  // x25519, a 32-byte point.
  return std::string("\x03\x00\x1d\x20", 4) + std::string(32, 'p');
}

v1::SignRequest ValidSign() {
  v1::SignRequest request;
  request.mutable_key()->set_key_id(kKeyId);
  request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  request.mutable_tls13_certificate_verify()->set_transcript_hash(
      std::string(32, 'h'));
  return request;
}

struct SignCase {
  const char* name;
  std::function<void(v1::SignRequest*)> mutate;
  const char* field;  // The message starts with it; nullptr: valid.
};

class SignValidationTest : public ::testing::TestWithParam<SignCase> {};

TEST_P(SignValidationTest, ChecksTheField) {
  v1::SignRequest request = ValidSign();
  GetParam().mutate(&request);
  if (GetParam().field == nullptr) {
    EXPECT_TRUE(ValidateSignRequest(request).ok())
        << ValidateSignRequest(request);
  } else {
    ExpectInvalid(ValidateSignRequest(request), GetParam().field);
  }
}

using R = v1::SignRequest;

INSTANTIATE_TEST_SUITE_P(
    Fields, SignValidationTest,
    ::testing::Values(
        SignCase{"Valid", [](R*) {}, nullptr},
        SignCase{"NoSelector", [](R* r) { r->clear_key(); }, "key: required"},
        SignCase{"ShortKeyId",
                 [](R* r) { r->mutable_key()->set_key_id("abc"); },
                 "key.key_id"},
        SignCase{
            "UppercaseKeyId",
            [](R* r) { r->mutable_key()->set_key_id(std::string(64, 'A')); },
            "key.key_id"},
        SignCase{"NonHexKeyId",
                 [](R* r) {
                   r->mutable_key()->set_key_id(std::string(63, 'a') + "g");
                 },
                 "key.key_id"},
        SignCase{"ServerNameWithNewline",
                 [](R* r) {
                   r->mutable_key()->set_server_name("www.example.test\n");
                 },
                 "key.server_name"},
        SignCase{
            "WildcardServerName",
            [](R* r) { r->mutable_key()->set_server_name("*.example.test"); },
            "key.server_name"},
        SignCase{
            "ValidServerName",
            [](R* r) { r->mutable_key()->set_server_name("WWW.Example.test"); },
            nullptr},
        SignCase{"ShortCertificateHash",
                 [](R* r) {
                   r->mutable_key()->set_certificate_sha256(std::string(31, 1));
                 },
                 "key.certificate_sha256"},
        SignCase{"EmptyCertificateHash",
                 [](R* r) { r->mutable_key()->set_certificate_sha256(""); },
                 "key.certificate_sha256"},
        SignCase{"UnspecifiedScheme",
                 [](R* r) { r->set_scheme(v1::SIGNATURE_SCHEME_UNSPECIFIED); },
                 "scheme: required"},
        SignCase{"UnknownScheme",
                 [](R* r) {
                   r->set_scheme(static_cast<v1::SignatureScheme>(0x0403 + 1));
                 },
                 "scheme: unknown value 1028"},
        SignCase{
            "NegativeScheme",
            [](R* r) { r->set_scheme(static_cast<v1::SignatureScheme>(-1)); },
            "scheme: unknown value -1"},
        SignCase{"NoInput", [](R* r) { r->clear_input(); }, "input: required"},
        SignCase{"Tls13ShortHash",
                 [](R* r) {
                   r->mutable_tls13_certificate_verify()->set_transcript_hash(
                       std::string(31, 'h'));
                 },
                 "tls13_certificate_verify.transcript_hash"},
        SignCase{
            "Tls13EmptyHash",
            [](R* r) {
              r->mutable_tls13_certificate_verify()->clear_transcript_hash();
            },
            "tls13_certificate_verify.transcript_hash"},
        SignCase{"Tls13Sha384Hash",
                 [](R* r) {
                   r->mutable_tls13_certificate_verify()->set_transcript_hash(
                       std::string(48, 'h'));
                 },
                 nullptr},
        SignCase{
            "Tls13WithPkcs1",
            [](R* r) { r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256); },
            "scheme: SIGNATURE_SCHEME_RSA_PKCS1_SHA256 cannot sign a TLS "
            "1.3"},
        SignCase{"Tls13WithMd5Sha1",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
                 },
                 "scheme: SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1"},
        SignCase{"Tls12Valid",
                 [](R* r) {
                   auto* ske = r->mutable_tls12_server_key_exchange();
                   ske->set_client_random(std::string(32, 'c'));
                   ske->set_server_random(std::string(32, 's'));
                   ske->set_server_params(EcdhParams());
                 },
                 nullptr},
        SignCase{"Tls12ShortClientRandom",
                 [](R* r) {
                   auto* ske = r->mutable_tls12_server_key_exchange();
                   ske->set_client_random(std::string(31, 'c'));
                   ske->set_server_random(std::string(32, 's'));
                   ske->set_server_params(EcdhParams());
                 },
                 "tls12_server_key_exchange.client_random"},
        SignCase{"Tls12LongServerRandom",
                 [](R* r) {
                   auto* ske = r->mutable_tls12_server_key_exchange();
                   ske->set_client_random(std::string(32, 'c'));
                   ske->set_server_random(std::string(33, 's'));
                   ske->set_server_params(EcdhParams());
                 },
                 "tls12_server_key_exchange.server_random"},
        SignCase{"Tls12BadParams",
                 [](R* r) {
                   auto* ske = r->mutable_tls12_server_key_exchange();
                   ske->set_client_random(std::string(32, 'c'));
                   ske->set_server_random(std::string(32, 's'));
                   ske->set_server_params(EcdhParams() + "x");
                 },
                 "tls12_server_key_exchange.server_params"},
        SignCase{"Tls12Md5Sha1Allowed",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
                   auto* ske = r->mutable_tls12_server_key_exchange();
                   ske->set_client_random(std::string(32, 'c'));
                   ske->set_server_random(std::string(32, 's'));
                   ske->set_server_params(EcdhParams());
                 },
                 nullptr},
        SignCase{"DigestOfSchemeLength",
                 [](R* r) { r->set_digest(std::string(32, 'd')); }, nullptr},
        SignCase{"DigestTooShort",
                 [](R* r) { r->set_digest(std::string(31, 'd')); },
                 "digest: 31 bytes, want 32"},
        SignCase{"DigestEmpty", [](R* r) { r->set_digest(""); },
                 "digest: 0 bytes, want 32"},
        SignCase{"DigestSha384Length",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384);
                   r->set_digest(std::string(32, 'd'));
                 },
                 "digest: 32 bytes, want 48"},
        SignCase{"DigestSha512Length",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512);
                   r->set_digest(std::string(64, 'd'));
                 },
                 nullptr},
        SignCase{"DigestMd5Sha1Length",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
                   r->set_digest(std::string(36, 'd'));
                 },
                 nullptr},
        SignCase{"DigestForEd25519",
                 [](R* r) {
                   r->set_scheme(v1::SIGNATURE_SCHEME_ED25519);
                   r->set_digest(std::string(64, 'd'));
                 },
                 "digest: SIGNATURE_SCHEME_ED25519 signs messages"},
        SignCase{"EmptyMessage", [](R* r) { r->set_message(""); }, nullptr},
        SignCase{"LongestMessage",
                 [](R* r) {
                   r->set_message(std::string(kMaxSignMessageLength, 'm'));
                 },
                 nullptr},
        SignCase{"OversizedMessage",
                 [](R* r) {
                   r->set_message(std::string(kMaxSignMessageLength + 1, 'm'));
                 },
                 "message: 65537 bytes, at most 65536"}),
    [](const ::testing::TestParamInfo<SignCase>& info) {
      return std::string(info.param.name);
    });

v1::RsaKeyExchangeRequest ValidKeyExchange() {
  v1::RsaKeyExchangeRequest request;
  request.mutable_key()->set_server_name("rsa.example.test");
  request.set_encrypted_pre_master(std::string(256, 'x'));
  request.set_client_version(0x0303);
  request.set_client_random(std::string(32, 'c'));
  request.set_server_random(std::string(32, 's'));
  request.set_prf_hash(v1::PRF_HASH_SHA256);
  return request;
}

TEST(KeyExchangeValidationTest, AcceptsValidRequests) {
  v1::RsaKeyExchangeRequest request = ValidKeyExchange();
  EXPECT_TRUE(ValidateRsaKeyExchangeRequest(request).ok());
  request.set_session_hash(std::string(32, 'h'));
  request.set_key_block_length(256);
  request.set_client_version(0x0300);
  EXPECT_TRUE(ValidateRsaKeyExchangeRequest(request).ok());
  request.set_prf_hash(v1::PRF_HASH_SHA384);
  request.set_session_hash(std::string(48, 'h'));
  request.set_client_version(0x03ff);
  request.set_encrypted_pre_master(
      std::string(kMaxEncryptedPreMasterLength, 1));
  EXPECT_TRUE(ValidateRsaKeyExchangeRequest(request).ok());
}

TEST(KeyExchangeValidationTest, NamesEveryBadField) {
  using K = v1::RsaKeyExchangeRequest;
  const std::pair<std::function<void(K*)>, const char*> kCases[] = {
      {[](K* r) { r->clear_key(); }, "key: required"},
      {[](K* r) { r->set_encrypted_pre_master(""); },
       "encrypted_pre_master: empty"},
      {[](K* r) {
         r->set_encrypted_pre_master(
             std::string(kMaxEncryptedPreMasterLength + 1, 'x'));
       },
       "encrypted_pre_master: 1025 bytes"},
      {[](K* r) { r->set_client_version(0x02ff); }, "client_version: 0x2ff"},
      {[](K* r) { r->set_client_version(0x0400); }, "client_version"},
      {[](K* r) { r->set_client_version(0x10303); }, "client_version"},
      {[](K* r) { r->set_client_version(0); }, "client_version"},
      {[](K* r) { r->set_client_random(""); }, "client_random: 0 bytes"},
      {[](K* r) { r->set_server_random(std::string(33, 's')); },
       "server_random: 33 bytes"},
      {[](K* r) { r->set_prf_hash(v1::PRF_HASH_UNSPECIFIED); },
       "prf_hash: required"},
      {[](K* r) { r->set_prf_hash(static_cast<v1::PrfHash>(7)); },
       "prf_hash: unknown value 7"},
      {[](K* r) { r->set_session_hash(std::string(48, 'h')); },
       "session_hash: 48 bytes, want 32"},
      {[](K* r) {
         r->set_prf_hash(v1::PRF_HASH_SHA384);
         r->set_session_hash(std::string(32, 'h'));
       },
       "session_hash: 32 bytes, want 48"},
      {[](K* r) { r->set_key_block_length(257); }, "key_block_length: 257"},
  };
  for (const auto& [mutate, field] : kCases) {
    v1::RsaKeyExchangeRequest request = ValidKeyExchange();
    mutate(&request);
    ExpectInvalid(ValidateRsaKeyExchangeRequest(request), field);
    // DecryptPreMaster shares the selector and ciphertext checks.
    v1::DecryptPreMasterRequest decrypt;
    *decrypt.mutable_key() = request.key();
    decrypt.set_encrypted_pre_master(request.encrypted_pre_master());
    decrypt.set_client_version(request.client_version());
    const absl::string_view name(field);
    const bool shared = absl::StartsWith(name, "key:") ||
                        absl::StartsWith(name, "encrypted_pre_master") ||
                        absl::StartsWith(name, "client_version");
    if (shared) {
      ExpectInvalid(ValidateDecryptPreMasterRequest(decrypt), field);
    } else {
      EXPECT_TRUE(ValidateDecryptPreMasterRequest(decrypt).ok());
    }
  }
}

TEST(KeyRequestValidationTest, GetKeyAndListKeys) {
  v1::GetKeyRequest get;
  ExpectInvalid(ValidateGetKeyRequest(get), "key: required");
  get.mutable_key()->set_certificate_sha256(std::string(32, 1));
  EXPECT_TRUE(ValidateGetKeyRequest(get).ok());

  v1::ListKeysRequest list;
  EXPECT_TRUE(ValidateListKeysRequest(list).ok());
  list.set_server_name("www.example.test");
  EXPECT_TRUE(ValidateListKeysRequest(list).ok());
  list.set_server_name(std::string("www\x01.example.test"));
  ExpectInvalid(ValidateListKeysRequest(list),
                "server_name: byte 0x01 at offset 3");
}

TEST(PrfHashTest, MapsKnownValues) {
  EXPECT_EQ(*PrfHashAlgorithm(v1::PRF_HASH_SHA256, "f"),
            handshake::HashAlgorithm::kSha256);
  EXPECT_EQ(*PrfHashAlgorithm(v1::PRF_HASH_SHA384, "f"),
            handshake::HashAlgorithm::kSha384);
}

}  // namespace
}  // namespace keyward::service
