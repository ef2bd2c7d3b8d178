// Who may do what: edge/b's narrow grant, the indistinguishable NOT_FOUND,
// AdminService.Reload's permission, and reloads (a broken manifest keeps
// the old keystore serving; a fixed one is swapped in).
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore(absl::StrCat(
            "authz-",
            ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(keystore_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    grpc::ClientContext context;
    ASSERT_TRUE(server_->KeyService('a')
                    ->ListKeys(&context, v1::ListKeysRequest(), &keys_)
                    .ok());
  }

  const v1::KeyInfo& Key(const std::string& name) {
    for (const v1::KeyInfo& key : keys_.keys()) {
      if (key.name() == name) return key;
    }
    ADD_FAILURE() << "no key " << name;
    return keys_.keys(0);
  }

  grpc::Status Sign(char edge, const v1::SignRequest& request,
                    v1::SignResponse* response = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::SignResponse ignored;
    return server_->KeyService(edge)->Sign(
        &context, request, response == nullptr ? &ignored : response);
  }

  grpc::Status Reload(char edge, v1::ReloadResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return server_->Admin(edge)->Reload(&context, v1::ReloadRequest(),
                                        response);
  }

  std::string Manifest() {
    std::ifstream in(keystore_.dir + "/manifest.textproto");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void WriteManifest(const std::string& text) {
    std::ofstream(keystore_.dir + "/manifest.textproto") << text;
  }

  static v1::SignRequest StructuredP256(v1::KeySelector selector) {
    v1::SignRequest request;
    *request.mutable_key() = std::move(selector);
    request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
    request.mutable_tls13_certificate_verify()->set_transcript_hash(
        std::string(32, 't'));
    return request;
  }

  testing::DevKeystore keystore_;
  std::unique_ptr<testing::TestServer> server_;
  v1::ListKeysResponse keys_;
};

TEST_F(AuthorizationTest, EdgeBSignsStructuredWithEcdsaP256) {
  const v1::KeyInfo& p256 = Key("ecdsa-p256");
  testing::EvpPkeyPtr public_key =
      testing::PublicKeyOfCertificate(p256.certificate_chain_der(0));
  v1::KeySelector by_id, by_name, by_wildcard, by_hash;
  by_id.set_key_id(p256.key_id());
  by_name.set_server_name("ecdsa-p256.dev.keyward.test");
  by_wildcard.set_server_name("edge.example.test");
  by_hash.set_certificate_sha256(p256.certificate_sha256());
  for (const v1::KeySelector& selector :
       {by_id, by_name, by_wildcard, by_hash}) {
    v1::SignResponse response;
    grpc::Status status = Sign('b', StructuredP256(selector), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.key_id(), p256.key_id());
    EXPECT_TRUE(testing::VerifyMessageSignature(
        v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, public_key.get(),
        std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
            std::string(1, '\0') + std::string(32, 't'),
        response.signature()));
  }
}

TEST_F(AuthorizationTest, OtherKeysAreNotFoundForEdgeBExactlyLikeNoKey) {
  v1::KeySelector nonexistent;
  nonexistent.set_key_id(std::string(64, 'e'));
  v1::SignRequest absent = StructuredP256(nonexistent);
  absent.set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
  const grpc::Status absent_status = Sign('b', absent);
  ASSERT_EQ(absent_status.error_code(), grpc::StatusCode::NOT_FOUND);
  int checked = 0;
  for (const v1::KeyInfo& key : keys_.keys()) {
    if (key.name() == "ecdsa-p256") continue;
    for (bool by_name : {false, true}) {
      v1::SignRequest request;
      if (by_name) {
        request.mutable_key()->set_server_name(key.name() +
                                               ".dev.keyward.test");
      } else {
        request.mutable_key()->set_key_id(key.key_id());
      }
      request.set_scheme(static_cast<v1::SignatureScheme>(
          key.allowed_schemes(key.allowed_schemes_size() - 1)));
      request.mutable_tls13_certificate_verify()->set_transcript_hash(
          std::string(32, 't'));
      const grpc::Status status = Sign('b', request);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << key.name();
      EXPECT_EQ(status.error_message(), absent_status.error_message());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8);
  // www.example.test is rsa-2048's (exact), which edge/b cannot see; the
  // wildcard key is not a fallback for an exact name.
  v1::KeySelector www;
  www.set_server_name("www.example.test");
  EXPECT_EQ(Sign('b', StructuredP256(www)).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTest, RawSigningAndKeyExchangeAreRefusedToEdgeB) {
  // ecdsa-p256 is visible to edge/b (structured only): raw signing is a
  // policy refusal, FAILED_PRECONDITION. RSA keys are invisible to it:
  // NOT_FOUND, whatever the operation.
  v1::SignRequest digest;
  digest.mutable_key()->set_key_id(Key("ecdsa-p256").key_id());
  digest.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  digest.set_digest(std::string(32, 'd'));
  EXPECT_EQ(Sign('b', digest).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::SignRequest message = digest;
  message.set_message("m");
  EXPECT_EQ(Sign('b', message).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::SignRequest rsa_raw;
  rsa_raw.mutable_key()->set_key_id(Key("rsa-2048").key_id());
  rsa_raw.set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256);
  rsa_raw.set_digest(std::string(32, 'd'));
  EXPECT_EQ(Sign('b', rsa_raw).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Sign('a', rsa_raw).ok());

  grpc::ClientContext decrypt_context, exchange_context;
  v1::DecryptPreMasterRequest decrypt;
  decrypt.mutable_key()->set_key_id(Key("rsa-2048").key_id());
  decrypt.set_encrypted_pre_master(std::string(256, '\x01'));
  decrypt.set_client_version(0x0303);
  v1::DecryptPreMasterResponse decrypted;
  EXPECT_EQ(server_->KeyService('b')
                ->DecryptPreMaster(&decrypt_context, decrypt, &decrypted)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::RsaKeyExchangeRequest exchange;
  *exchange.mutable_key() = decrypt.key();
  exchange.set_encrypted_pre_master(decrypt.encrypted_pre_master());
  exchange.set_client_version(0x0303);
  exchange.set_client_random(std::string(32, 'c'));
  exchange.set_server_random(std::string(32, 's'));
  exchange.set_prf_hash(v1::PRF_HASH_SHA256);
  v1::RsaKeyExchangeResponse exchanged;
  EXPECT_EQ(server_->KeyService('b')
                ->RsaKeyExchange(&exchange_context, exchange, &exchanged)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTest, OnlyAdminsMayReload) {
  v1::ReloadResponse response;
  const grpc::Status denied = Reload('b', &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(response.generation(), 0u);
  const grpc::Status allowed = Reload('a', &response);
  ASSERT_TRUE(allowed.ok()) << allowed.error_message();
  EXPECT_EQ(response.key_count(), 5u);
  EXPECT_EQ(response.generation(), 2u);
  EXPECT_GT(response.loaded_at().seconds(), 0);
}

TEST_F(AuthorizationTest, ABrokenReloadKeepsServingAndAFixedOneSwapsIn) {
  const std::string original = Manifest();
  v1::KeySelector p256;
  p256.set_key_id(Key("ecdsa-p256").key_id());

  // A manifest naming a missing key file: refused, and the old keystore
  // keeps answering.
  WriteManifest(absl::StrReplaceAll(
      original, {{"keys/ecdsa-p256.key", "keys/missing.key"}}));
  v1::ReloadResponse response;
  const grpc::Status broken = Reload('a', &response);
  EXPECT_EQ(broken.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(broken.error_message().find("missing.key"), std::string::npos)
      << broken.error_message();
  EXPECT_TRUE(Sign('b', StructuredP256(p256)).ok());
  WriteManifest("key { this is not text format");
  EXPECT_EQ(Reload('a', &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Sign('b', StructuredP256(p256)).ok());

  // A valid manifest that grants edge/b raw signing is swapped in.
  v1::SignRequest raw = StructuredP256(p256);
  raw.set_message("raw");
  EXPECT_EQ(Sign('b', raw).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const std::string granted = absl::StrReplaceAll(
      original,
      {{"identity: \"spiffe://keyward.dev/edge/b\"\n"
        "    operations: [OPERATION_SIGN_STRUCTURED]",
        "identity: \"spiffe://keyward.dev/edge/b\"\n"
        "    operations: [OPERATION_SIGN_STRUCTURED, OPERATION_SIGN_RAW]"}});
  ASSERT_NE(granted, original);
  WriteManifest(granted);
  const grpc::Status fixed = Reload('a', &response);
  ASSERT_TRUE(fixed.ok()) << fixed.error_message();
  EXPECT_EQ(response.generation(), 2u);  // The failed loads did not count.
  EXPECT_TRUE(Sign('b', raw).ok());
}

}  // namespace
}  // namespace keyward
