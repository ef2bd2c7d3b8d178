// Sign through the generated stub: every scheme each dev key allows, with
// every input form, each signature verified with OpenSSL against the public
// key of the certificate the service returned.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using testing::EvpPkeyPtr;

// ServerParams: a ServerECDHParams for x25519 (a 32-byte point).
const std::string kServerParams =
    std::string("\x03\x00\x1d\x20", 4) + std::string(32, '\x42');
const std::string kClientRandom(32, '\x01');
const std::string kServerRandom(32, '\x02');

// The bytes RFC 8446 §4.4.3 signs, written out here independently.
std::string CertificateVerifyContent(const std::string& transcript_hash) {
  return std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
         std::string(1, '\0') + transcript_hash;
}

bool AllowedInTls13(v1::SignatureScheme scheme) {
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      return false;
    default:
      return true;
  }
}

// Run once per key backend: keys in files and the same keys on a PKCS #11
// token must sign alike.
class KeyServiceSignTest
    : public ::testing::TestWithParam<testing::KeyBackend> {
 protected:
  static constexpr testing::KeyBackend kBackends[] = {
      testing::KeyBackend::kFile, testing::KeyBackend::kPkcs11};

  static void SetUpTestSuite() {
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<testing::DevKeystore> keystore = testing::MakeDevKeystore(
          "sign-" + testing::KeyBackendName(kBackends[i]), kBackends[i]);
      ASSERT_TRUE(keystore.ok()) << keystore.status();
      absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
          testing::TestServer::Start(testing::TestServerConfig(*keystore));
      ASSERT_TRUE(server.ok()) << server.status();
      servers_[i] = server->release();
    }
  }
  static void TearDownTestSuite() {
    for (testing::TestServer* server : servers_) delete server;
  }

  void SetUp() override {
    server_ = servers_[GetParam() == testing::KeyBackend::kFile ? 0 : 1];
    ASSERT_NE(server_, nullptr);
  }

  static grpc::Status Sign(char edge, const v1::SignRequest& request,
                           v1::SignResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return server_->KeyService(edge)->Sign(&context, request, response);
  }

  static v1::ListKeysResponse Keys() {
    grpc::ClientContext context;
    v1::ListKeysResponse response;
    grpc::Status status = server_->KeyService('a')->ListKeys(
        &context, v1::ListKeysRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static testing::TestServer* servers_[2];
  static testing::TestServer* server_;  // the current parameter's
};

testing::TestServer* KeyServiceSignTest::servers_[2] = {};
testing::TestServer* KeyServiceSignTest::server_ = nullptr;

TEST_P(KeyServiceSignTest, EverySchemeAndInputVerifies) {
  int verified = 0;
  const v1::ListKeysResponse keys = Keys();
  for (const v1::KeyInfo& key : keys.keys()) {
    EvpPkeyPtr public_key =
        testing::PublicKeyOfCertificate(key.certificate_chain_der(0));
    ASSERT_NE(public_key, nullptr);
    for (int s : key.allowed_schemes()) {
      const auto scheme = static_cast<v1::SignatureScheme>(s);
      SCOPED_TRACE(
          absl::StrCat(key.name(), " ", v1::SignatureScheme_Name(scheme)));
      v1::SignRequest base;
      base.mutable_key()->set_key_id(key.key_id());
      base.set_scheme(scheme);
      // What each input form makes the key sign: (request, signed bytes,
      // signed as a digest).
      struct Form {
        v1::SignRequest request;
        std::string content;
        bool digest;
      };
      std::vector<Form> forms;
      for (size_t hash_length : {32, 48}) {
        if (!AllowedInTls13(scheme)) break;
        Form tls13{base, "", false};
        const std::string hash(hash_length, static_cast<char>(hash_length));
        tls13.request.mutable_tls13_certificate_verify()->set_transcript_hash(
            hash);
        tls13.content = CertificateVerifyContent(hash);
        forms.push_back(tls13);
      }
      Form tls12{base, kClientRandom + kServerRandom + kServerParams, false};
      auto* ske = tls12.request.mutable_tls12_server_key_exchange();
      ske->set_client_random(kClientRandom);
      ske->set_server_random(kServerRandom);
      ske->set_server_params(kServerParams);
      forms.push_back(tls12);
      Form message{base, absl::StrCat("raw message for ", key.name()), false};
      message.request.set_message(message.content);
      forms.push_back(message);
      if (scheme != v1::SIGNATURE_SCHEME_ED25519) {
        Form digest{base, testing::Digest(scheme, "pre-hashed"), true};
        digest.request.set_digest(digest.content);
        forms.push_back(digest);
      }

      for (const Form& form : forms) {
        v1::SignResponse response;
        grpc::Status status = Sign('a', form.request, &response);
        ASSERT_TRUE(status.ok())
            << form.request.input_case() << ": " << status.error_message();
        EXPECT_EQ(response.key_id(), key.key_id());
        EXPECT_TRUE(form.digest ? testing::VerifyDigestSignature(
                                      scheme, public_key.get(), form.content,
                                      response.signature())
                                : testing::VerifyMessageSignature(
                                      scheme, public_key.get(), form.content,
                                      response.signature()))
            << "input " << form.request.input_case();
        // A signature over other bytes must not verify with the same check.
        EXPECT_FALSE(testing::VerifyMessageSignature(scheme, public_key.get(),
                                                     form.content + "x",
                                                     response.signature()));
        ++verified;
      }
    }
  }
  // RSA: 2 keys x (3 PSS schemes x 5 forms + 3 PKCS#1 schemes x 3 forms,
  // no TLS 1.3); ECDSA: 2 keys x 5 forms; Ed25519: 4 forms (no digest).
  EXPECT_EQ(verified, 2 * (3 * 5 + 3 * 3) + 2 * 5 + 4);
}

TEST_P(KeyServiceSignTest, ServerNameChoosesTheKeyThatFitsTheScheme) {
  v1::ListKeysResponse keys = Keys();
  // www.example.test: rsa-2048 by exact name; other hosts under
  // example.test: ecdsa-p256 by wildcard.
  const struct {
    const char* host;
    v1::SignatureScheme scheme;
    const char* want;
  } kCases[] = {
      {"www.example.test", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
       "rsa-2048"},
      {"shop.example.test", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
       "ecdsa-p256"},
      {"ED25519.dev.keyward.test", v1::SIGNATURE_SCHEME_ED25519, "ed25519"},
  };
  for (const auto& c : kCases) {
    v1::SignRequest request;
    request.mutable_key()->set_server_name(c.host);
    request.set_scheme(c.scheme);
    request.mutable_tls13_certificate_verify()->set_transcript_hash(
        std::string(32, 'h'));
    v1::SignResponse response;
    grpc::Status status = Sign('a', request, &response);
    ASSERT_TRUE(status.ok()) << c.host << ": " << status.error_message();
    const v1::KeyInfo* signer = nullptr;
    for (const v1::KeyInfo& key : keys.keys()) {
      if (key.key_id() == response.key_id()) signer = &key;
    }
    ASSERT_NE(signer, nullptr);
    EXPECT_EQ(signer->name(), c.want);
    EvpPkeyPtr public_key =
        testing::PublicKeyOfCertificate(signer->certificate_chain_der(0));
    EXPECT_TRUE(testing::VerifyMessageSignature(
        c.scheme, public_key.get(),
        CertificateVerifyContent(std::string(32, 'h')), response.signature()));
  }
}

TEST_P(KeyServiceSignTest, SchemesAKeyCannotDoAreRefused) {
  const struct {
    v1::KeySelector selector;
    v1::SignatureScheme scheme;
    grpc::StatusCode code;
  } kCases[] = {
      // Exact name wins: www.example.test is RSA, so ECDSA does not fit.
      {[] {
         v1::KeySelector s;
         s.set_server_name("www.example.test");
         return s;
       }(),
       v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
       grpc::StatusCode::FAILED_PRECONDITION},
      {[] {
         v1::KeySelector s;
         s.set_server_name("ecdsa-p384.dev.keyward.test");
         return s;
       }(),
       v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
       grpc::StatusCode::FAILED_PRECONDITION},
      // The legacy scheme is off by default.
      {[] {
         v1::KeySelector s;
         s.set_server_name("rsa-2048.dev.keyward.test");
         return s;
       }(),
       v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
       grpc::StatusCode::FAILED_PRECONDITION},
  };
  for (const auto& c : kCases) {
    v1::SignRequest request;
    *request.mutable_key() = c.selector;
    request.set_scheme(c.scheme);
    auto* ske = request.mutable_tls12_server_key_exchange();
    ske->set_client_random(kClientRandom);
    ske->set_server_random(kServerRandom);
    ske->set_server_params(kServerParams);
    v1::SignResponse response;
    EXPECT_EQ(Sign('a', request, &response).error_code(), c.code)
        << c.selector.ShortDebugString();
    EXPECT_TRUE(response.signature().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Backends, KeyServiceSignTest,
    ::testing::Values(testing::KeyBackend::kFile, testing::KeyBackend::kPkcs11),
    [](const ::testing::TestParamInfo<testing::KeyBackend>& info) {
      return testing::KeyBackendName(info.param);
    });

}  // namespace
}  // namespace keyward
