// ListKeys and GetKey through the generated stub, over mutual TLS, against
// the files of the dev keystore.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/pem_chain.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAre;

// What scripts/gen-dev-keystore puts in each key's certificate.
struct DevKey {
  const char* name;
  v1::KeyAlgorithm algorithm;
  uint32_t bits;
  std::vector<std::string> hosts;
  std::vector<v1::SignatureScheme> schemes;
};

const std::vector<v1::SignatureScheme> kRsaSchemes = {
    v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
    v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
    v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512,
    v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
    v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384,
    v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512,
};

const DevKey kDevKeys[] = {
    {"rsa-2048",
     v1::KEY_ALGORITHM_RSA,
     2048,
     {"rsa-2048.dev.keyward.test", "www.example.test"},
     kRsaSchemes},
    {"rsa-3072",
     v1::KEY_ALGORITHM_RSA,
     3072,
     {"rsa-3072.dev.keyward.test"},
     kRsaSchemes},
    {"ecdsa-p256",
     v1::KEY_ALGORITHM_ECDSA_P256,
     256,
     {"ecdsa-p256.dev.keyward.test", "*.example.test"},
     {v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256}},
    {"ecdsa-p384",
     v1::KEY_ALGORITHM_ECDSA_P384,
     384,
     {"ecdsa-p384.dev.keyward.test"},
     {v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384}},
    {"ed25519",
     v1::KEY_ALGORITHM_ED25519,
     255,
     {"ed25519.dev.keyward.test"},
     {v1::SIGNATURE_SCHEME_ED25519}},
};

// Run once per key backend: the same keys in files and on a PKCS #11
// token must be described alike.
class KeyServiceKeysTest
    : public ::testing::TestWithParam<testing::KeyBackend> {
 protected:
  static constexpr testing::KeyBackend kBackends[] = {
      testing::KeyBackend::kFile, testing::KeyBackend::kPkcs11};

  static void SetUpTestSuite() {
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<testing::DevKeystore> keystore = testing::MakeDevKeystore(
          "keys-" + testing::KeyBackendName(kBackends[i]), kBackends[i]);
      ASSERT_TRUE(keystore.ok()) << keystore.status();
      keystores_[i] = new testing::DevKeystore(*keystore);
      absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
          testing::TestServer::Start(testing::TestServerConfig(*keystore));
      ASSERT_TRUE(server.ok()) << server.status();
      servers_[i] = server->release();
    }
  }
  static void TearDownTestSuite() {
    for (int i = 0; i < 2; ++i) {
      delete servers_[i];
      delete keystores_[i];
    }
  }

  void SetUp() override {
    const int i = GetParam() == testing::KeyBackend::kFile ? 0 : 1;
    keystore_ = keystores_[i];
    server_ = servers_[i];
    ASSERT_NE(server_, nullptr);
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return context;
  }

  static v1::ListKeysResponse List(char edge, const std::string& host = "") {
    v1::ListKeysRequest request;
    request.set_server_name(host);
    v1::ListKeysResponse response;
    grpc::Status status = server_->KeyService(edge)->ListKeys(
        Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static grpc::Status Get(char edge, const v1::KeySelector& selector,
                          v1::KeyInfo* out) {
    v1::GetKeyRequest request;
    *request.mutable_key() = selector;
    v1::GetKeyResponse response;
    grpc::Status status =
        server_->KeyService(edge)->GetKey(Context().get(), request, &response);
    *out = response.key();
    return status;
  }

  static testing::DevKeystore* keystores_[2];
  static testing::TestServer* servers_[2];
  // The current parameter's.
  static testing::DevKeystore* keystore_;
  static testing::TestServer* server_;
};

testing::DevKeystore* KeyServiceKeysTest::keystores_[2] = {};
testing::TestServer* KeyServiceKeysTest::servers_[2] = {};
testing::DevKeystore* KeyServiceKeysTest::keystore_ = nullptr;
testing::TestServer* KeyServiceKeysTest::server_ = nullptr;

std::vector<std::string> Names(const v1::ListKeysResponse& response) {
  std::vector<std::string> out;
  for (const v1::KeyInfo& key : response.keys()) out.push_back(key.name());
  return out;
}

TEST_P(KeyServiceKeysTest, ListKeysDescribesEveryKeyFromItsFiles) {
  const v1::ListKeysResponse response = List('a');
  ASSERT_EQ(response.keys_size(), 5);
  int checked = 0;
  for (int i = 0; i < 5; ++i) {
    const DevKey& want = kDevKeys[i];
    const v1::KeyInfo& key = response.keys(i);
    SCOPED_TRACE(want.name);
    EXPECT_EQ(key.name(), want.name);  // Manifest order.
    EXPECT_EQ(key.version(), 1u);
    EXPECT_EQ(key.state(), v1::KEY_STATE_CURRENT);
    EXPECT_EQ(key.algorithm(), want.algorithm);
    EXPECT_EQ(key.key_bits(), want.bits);
    const std::vector<std::string> chain = testing::ReadPemChainDer(
        keystore_->dir + "/keys/" + want.name + ".crt");
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_THAT(key.certificate_chain_der(), ElementsAreArray(chain));
    EXPECT_EQ(key.spki_der(), testing::SpkiOfCertificate(chain[0]));
    EXPECT_EQ(key.key_id(), testing::LowerHex(testing::Sha256(key.spki_der())));
    EXPECT_EQ(key.certificate_sha256(), testing::Sha256(chain[0]));
    EXPECT_THAT(key.host_names(), ElementsAreArray(want.hosts));
    const auto [not_before, not_after] = testing::ValidityOf(chain[0]);
    EXPECT_EQ(key.not_before().seconds(), not_before);
    EXPECT_EQ(key.not_after().seconds(), not_after);
    EXPECT_LT(not_before, not_after);
    if (want.algorithm == v1::KEY_ALGORITHM_RSA) {
      EXPECT_THAT(
          key.allowed_operations(),
          ElementsAre(v1::OPERATION_SIGN_STRUCTURED, v1::OPERATION_SIGN_RAW,
                      v1::OPERATION_RSA_KEY_EXCHANGE));
    } else {
      EXPECT_THAT(
          key.allowed_operations(),
          ElementsAre(v1::OPERATION_SIGN_STRUCTURED, v1::OPERATION_SIGN_RAW));
    }
    EXPECT_THAT(key.allowed_schemes(), ElementsAreArray(want.schemes));
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST_P(KeyServiceKeysTest, ListKeysShowsEdgeBOnlyItsKey) {
  const v1::ListKeysResponse response = List('b');
  ASSERT_THAT(Names(response), ElementsAre("ecdsa-p256"));
  EXPECT_THAT(response.keys(0).allowed_operations(),
              ElementsAre(v1::OPERATION_SIGN_STRUCTURED));
  EXPECT_THAT(response.keys(0).allowed_schemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256));
}

TEST_P(KeyServiceKeysTest, ListKeysFiltersByHostName) {
  EXPECT_THAT(Names(List('a', "www.example.test")),
              ElementsAre("rsa-2048", "ecdsa-p256"));
  EXPECT_THAT(Names(List('a', "API.example.test")), ElementsAre("ecdsa-p256"));
  EXPECT_THAT(Names(List('a', "ed25519.dev.keyward.test")),
              ElementsAre("ed25519"));
  EXPECT_THAT(Names(List('a', "unknown.test")), ElementsAre());
  EXPECT_THAT(Names(List('b', "www.example.test")), ElementsAre("ecdsa-p256"));
}

TEST_P(KeyServiceKeysTest, GetKeyByEverySelector) {
  const v1::ListKeysResponse all = List('a');
  std::map<std::string, v1::KeyInfo> by_name;
  for (const v1::KeyInfo& key : all.keys()) by_name[key.name()] = key;

  struct Case {
    v1::KeySelector selector;
    std::string want;
  };
  std::vector<Case> cases;
  for (const v1::KeyInfo& key : all.keys()) {
    Case by_id, by_hash, by_host;
    by_id.selector.set_key_id(key.key_id());
    by_id.want = key.name();
    by_hash.selector.set_certificate_sha256(key.certificate_sha256());
    by_hash.want = key.name();
    by_host.selector.set_server_name(key.name() + ".dev.keyward.test");
    by_host.want = key.name();
    cases.insert(cases.end(), {by_id, by_hash, by_host});
  }
  Case exact, wildcard, upper;
  exact.selector.set_server_name("www.example.test");  // rsa-2048, exact.
  exact.want = "rsa-2048";
  wildcard.selector.set_server_name("shop.example.test");  // *.example.test
  wildcard.want = "ecdsa-p256";
  upper.selector.set_server_name("RSA-3072.Dev.Keyward.TEST");
  upper.want = "rsa-3072";
  cases.insert(cases.end(), {exact, wildcard, upper});

  for (const Case& c : cases) {
    v1::KeyInfo key;
    grpc::Status status = Get('a', c.selector, &key);
    ASSERT_TRUE(status.ok())
        << c.selector.ShortDebugString() << ": " << status.error_message();
    EXPECT_EQ(key.SerializeAsString(), by_name[c.want].SerializeAsString())
        << c.selector.ShortDebugString();
  }
  EXPECT_EQ(cases.size(), 18u);
}

TEST_P(KeyServiceKeysTest, GetKeyHidesWhatTheCallerMayNotUse) {
  const v1::ListKeysResponse all = List('a');
  v1::KeySelector nonexistent;
  nonexistent.set_key_id(std::string(64, '0'));
  v1::KeyInfo key;
  const grpc::Status absent = Get('b', nonexistent, &key);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);
  int hidden = 0;
  for (const v1::KeyInfo& info : all.keys()) {
    if (info.name() == "ecdsa-p256") continue;
    v1::KeySelector selector;
    selector.set_key_id(info.key_id());
    const grpc::Status status = Get('b', selector, &key);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), absent.error_message());
    ++hidden;
  }
  EXPECT_EQ(hidden, 4);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, KeyServiceKeysTest,
    ::testing::Values(testing::KeyBackend::kFile, testing::KeyBackend::kPkcs11),
    [](const ::testing::TestParamInfo<testing::KeyBackend>& info) {
      return testing::KeyBackendName(info.param);
    });

}  // namespace
}  // namespace keyward
