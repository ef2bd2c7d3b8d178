// DecryptPreMaster and RsaKeyExchange through the generated stub, with
// ciphertexts made here from the certificate's public key: well-formed,
// badly padded, wrong message length and wrong version. Every answer is 48
// bytes and OK, the same on repeat, and the real pre-master only when the
// ciphertext is valid; the master secrets are checked against OpenSSL's own
// TLS1-PRF.
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using testing::EncodedMessage;
using testing::EncryptPkcs1;
using testing::EncryptRaw;
using testing::OpenSslTlsPrf;
using testing::PreMaster;

constexpr uint16_t kTls12 = 0x0303;
const std::string kClientRandom(32, 'c');
const std::string kServerRandom(32, 's');

// Parameters: the key backend (files, or the same kind of keys on a PKCS #11
// token, whose raw RSA runs on the token and whose decoding runs here) and
// the dev key.
class KeyServiceRsaTest
    : public ::testing::TestWithParam<
          std::tuple<testing::KeyBackend, const char*>> {
 protected:
  static constexpr testing::KeyBackend kBackends[] = {
      testing::KeyBackend::kFile, testing::KeyBackend::kPkcs11};

  static void SetUpTestSuite() {
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<testing::DevKeystore> keystore = testing::MakeDevKeystore(
          "rsa-" + testing::KeyBackendName(kBackends[i]), kBackends[i]);
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
    server_ = servers_[std::get<0>(GetParam()) == testing::KeyBackend::kFile
                           ? 0
                           : 1];
    ASSERT_NE(server_, nullptr);
    grpc::ClientContext context;
    v1::GetKeyRequest request;
    request.mutable_key()->set_server_name(
        absl::StrCat(std::get<1>(GetParam()), ".dev.keyward.test"));
    v1::GetKeyResponse response;
    grpc::Status status =
        server_->KeyService('a')->GetKey(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    key_ = response.key();
    public_key_ =
        testing::PublicKeyOfCertificate(key_.certificate_chain_der(0));
    ASSERT_NE(public_key_, nullptr);
    modulus_length_ = testing::ModulusLength(public_key_.get());
    ASSERT_EQ(modulus_length_ * 8, key_.key_bits());
  }

  grpc::Status Decrypt(const std::string& ciphertext, uint32_t version,
                       std::string* pre_master, char edge = 'a') {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::DecryptPreMasterRequest request;
    request.mutable_key()->set_key_id(key_.key_id());
    request.set_encrypted_pre_master(ciphertext);
    request.set_client_version(version);
    v1::DecryptPreMasterResponse response;
    grpc::Status status = server_->KeyService(edge)->DecryptPreMaster(
        &context, request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.key_id(), key_.key_id());
    }
    *pre_master = response.pre_master_secret();
    return status;
  }

  // DecryptOk decrypts and checks the invariant answer shape: OK, 48 bytes,
  // and the same bytes when asked again.
  std::string DecryptOk(const std::string& ciphertext, uint32_t version) {
    std::string first, second;
    grpc::Status status = Decrypt(ciphertext, version, &first);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(first.size(), 48u);
    EXPECT_TRUE(Decrypt(ciphertext, version, &second).ok());
    EXPECT_EQ(first, second);
    return first;
  }

  grpc::Status Exchange(const v1::RsaKeyExchangeRequest& base,
                        v1::RsaKeyExchangeResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::RsaKeyExchangeRequest request = base;
    request.mutable_key()->set_key_id(key_.key_id());
    return server_->KeyService('a')->RsaKeyExchange(&context, request,
                                                    response);
  }

  static testing::TestServer* servers_[2];
  static testing::TestServer* server_;  // the current parameter's
  v1::KeyInfo key_;
  testing::EvpPkeyPtr public_key_{nullptr, EVP_PKEY_free};
  size_t modulus_length_ = 0;
};

testing::TestServer* KeyServiceRsaTest::servers_[2] = {};
testing::TestServer* KeyServiceRsaTest::server_ = nullptr;

TEST_P(KeyServiceRsaTest, WellFormedCiphertextsGiveThePreMaster) {
  for (uint16_t version : {0x0300, 0x0301, 0x0302, 0x0303}) {
    const std::string pre_master = PreMaster(version, 'p');
    EXPECT_EQ(DecryptOk(EncryptPkcs1(public_key_.get(), pre_master), version),
              pre_master);
    // The same through a hand-made encoding, which validates the crafted
    // ciphertexts below.
    EXPECT_EQ(DecryptOk(EncryptRaw(public_key_.get(),
                                   EncodedMessage(modulus_length_, pre_master)),
                        version),
              pre_master);
  }
}

TEST_P(KeyServiceRsaTest, MalformedCiphertextsGiveSyntheticPreMasters) {
  const std::string pre_master = PreMaster(kTls12, 'p');
  const size_t k = modulus_length_;
  const std::string no_separator =
      std::string("\x00\x02", 2) + std::string(k - 2, '\x5a');
  const std::string short_padding =
      std::string("\x00\x02", 2) + std::string(7, '\x5a') +
      std::string(1, '\0') + std::string(k - 10, 'm');
  const struct {
    const char* name;
    std::string em;
    uint32_t version;
  } kCases[] = {
      {"first byte 0x01", EncodedMessage(k, pre_master, 0x01), kTls12},
      {"block type 1", EncodedMessage(k, pre_master, 0x00, 0x01), kTls12},
      {"block type 0", EncodedMessage(k, pre_master, 0x00, 0x00), kTls12},
      {"block type 3", EncodedMessage(k, pre_master, 0x00, 0x03), kTls12},
      {"no zero separator", no_separator, kTls12},
      {"padding shorter than 8", short_padding, kTls12},
      {"message of 47 bytes", EncodedMessage(k, pre_master.substr(1)), kTls12},
      {"message of 49 bytes", EncodedMessage(k, pre_master + "x"), kTls12},
      {"empty message", EncodedMessage(k, ""), kTls12},
      {"version 3.2 in a 3.3 hello", EncodedMessage(k, PreMaster(0x0302, 'p')),
       kTls12},
      {"version 3.3 in a 3.1 hello", EncodedMessage(k, pre_master), 0x0301},
      {"major version 2", EncodedMessage(k, PreMaster(0x0203, 'p')), kTls12},
  };
  std::set<std::string> answers;
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    ASSERT_EQ(c.em.size(), k);
    const std::string ciphertext = EncryptRaw(public_key_.get(), c.em);
    const std::string answer = DecryptOk(ciphertext, c.version);
    EXPECT_NE(answer, pre_master);
    EXPECT_NE(answer.substr(2), pre_master.substr(2));
    answers.insert(answer);
  }
  // Synthetic pre-masters depend on the ciphertext: all differ.
  EXPECT_EQ(answers.size(), std::size(kCases));
}

TEST_P(KeyServiceRsaTest, OnlyTheModulusLengthIsRefused) {
  const std::string valid =
      EncryptPkcs1(public_key_.get(), PreMaster(kTls12, 'p'));
  for (const std::string& wrong :
       {valid.substr(1), valid + std::string(1, '\0'), std::string(1, '\1')}) {
    std::string answer;
    const grpc::Status status = Decrypt(wrong, kTls12, &answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << wrong.size();
    EXPECT_TRUE(answer.empty());
  }
}

TEST_P(KeyServiceRsaTest, KeyExchangeDerivesTheMasterSecretAndKeyBlock) {
  const std::string pre_master = PreMaster(kTls12, 'q');
  const std::string valid = EncryptPkcs1(public_key_.get(), pre_master);
  const std::string bad = EncryptRaw(
      public_key_.get(), EncodedMessage(modulus_length_, pre_master, 0, 1));
  std::string synthetic;
  ASSERT_TRUE(Decrypt(bad, kTls12, &synthetic).ok());

  int checked = 0;
  for (const auto& [prf_hash, digest] :
       {std::pair{v1::PRF_HASH_SHA256, "SHA2-256"},
        std::pair{v1::PRF_HASH_SHA384, "SHA2-384"}}) {
    for (bool extended : {false, true}) {
      // Valid: from the real pre-master. Bad: from the very synthetic value
      // DecryptPreMaster gives for the same ciphertext.
      for (const auto& [ciphertext, secret] :
           {std::pair{valid, pre_master}, std::pair{bad, synthetic}}) {
        v1::RsaKeyExchangeRequest request;
        request.set_encrypted_pre_master(ciphertext);
        request.set_client_version(kTls12);
        request.set_client_random(kClientRandom);
        request.set_server_random(kServerRandom);
        request.set_prf_hash(prf_hash);
        const std::string session_hash(
            prf_hash == v1::PRF_HASH_SHA256 ? 32 : 48, 'h');
        if (extended) request.set_session_hash(session_hash);
        request.set_key_block_length(136);
        v1::RsaKeyExchangeResponse response;
        grpc::Status status = Exchange(request, &response);
        ASSERT_TRUE(status.ok()) << status.error_message();
        const std::string master =
            extended ? OpenSslTlsPrf(digest, secret, "extended master secret",
                                     session_hash, 48)
                     : OpenSslTlsPrf(digest, secret, "master secret",
                                     kClientRandom + kServerRandom, 48);
        EXPECT_EQ(response.master_secret(), master);
        EXPECT_EQ(response.key_block(),
                  OpenSslTlsPrf(digest, master, "key expansion",
                                kServerRandom + kClientRandom, 136));
        EXPECT_EQ(response.key_id(), key_.key_id());
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 8);

  v1::RsaKeyExchangeRequest no_block;
  no_block.set_encrypted_pre_master(valid);
  no_block.set_client_version(kTls12);
  no_block.set_client_random(kClientRandom);
  no_block.set_server_random(kServerRandom);
  no_block.set_prf_hash(v1::PRF_HASH_SHA256);
  v1::RsaKeyExchangeResponse response;
  ASSERT_TRUE(Exchange(no_block, &response).ok());
  EXPECT_EQ(response.master_secret().size(), 48u);
  EXPECT_TRUE(response.key_block().empty());
}

TEST_P(KeyServiceRsaTest, EdgeBMayNotUseRsaKeys) {
  std::string answer;
  const grpc::Status status =
      Decrypt(EncryptPkcs1(public_key_.get(), PreMaster(kTls12, 'p')), kTls12,
              &answer, 'b');
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(answer.empty());
}

INSTANTIATE_TEST_SUITE_P(
    DevKeys, KeyServiceRsaTest,
    ::testing::Combine(::testing::Values(testing::KeyBackend::kFile,
                                         testing::KeyBackend::kPkcs11),
                       ::testing::Values("rsa-2048", "rsa-3072")),
    [](const ::testing::TestParamInfo<
        std::tuple<testing::KeyBackend, const char*>>& info) {
      return testing::KeyBackendName(std::get<0>(info.param)) +
             (std::get<1>(info.param)[4] == '2' ? "Rsa2048" : "Rsa3072");
    });

TEST(KeyServiceRsaKeyTypeTest, NonRsaKeysRefuseTheKeyExchange) {
  absl::StatusOr<testing::DevKeystore> keystore =
      testing::MakeDevKeystore("rsa-types");
  ASSERT_TRUE(keystore.ok()) << keystore.status();
  absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
      testing::TestServer::Start(testing::TestServerConfig(*keystore));
  ASSERT_TRUE(server.ok()) << server.status();
  for (const char* host :
       {"ecdsa-p256.dev.keyward.test", "ed25519.dev.keyward.test"}) {
    grpc::ClientContext context;
    v1::DecryptPreMasterRequest request;
    request.mutable_key()->set_server_name(host);
    request.set_encrypted_pre_master(std::string(256, '\x11'));
    request.set_client_version(kTls12);
    v1::DecryptPreMasterResponse response;
    // Visible to edge/a, but not granted (nor able to do) the exchange.
    EXPECT_EQ((*server)
                  ->KeyService('a')
                  ->DecryptPreMaster(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::FAILED_PRECONDITION)
        << host;
  }
}

}  // namespace
}  // namespace keyward
