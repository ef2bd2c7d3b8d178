// End to end: keyward_server holds the keys, keyward_edge holds only the
// certificates and opens the keys through the keyward provider, and TLS
// clients we did not write (openssl s_client, curl, Python's ssl) complete
// handshakes with it. Each case checks what the client negotiated and
// received, what the edge logged, and that the key service recorded
// exactly one private-key operation with the expected key and scheme.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/edge/testing/audit_records.h"
#include "clients/edge/testing/certificates.h"
#include "clients/edge/testing/edge_process.h"
#include "clients/edge/testing/key_service_process.h"
#include "clients/edge/testing/tls_clients.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"

namespace keyward::edge {
namespace {

using testing::AuditQuery;
using testing::CountAuditRecords;
using testing::EdgeProcess;
using testing::KeyServiceProcess;
using testing::LeafCertificate;
using testing::ReadLeafCertificate;
using testing::RunTlsClient;
using testing::TlsClient;
using testing::TlsClientName;
using testing::TlsRequest;
using testing::TlsResult;

constexpr char kBody[] = "Hello from a keyless edge\n";

// HandshakeCase: one kind of handshake and what it must produce.
struct HandshakeCase {
  std::string name;
  std::string host;     // SNI
  std::string key;      // the dev keystore key whose certificate is served
  std::string version;  // "1.2" or "1.3"
  std::string cipher;   // TLS 1.2 cipher to offer; empty: defaults
  bool disable_ems;     // the client refuses extended master secret
  // Expected:
  std::string negotiated_cipher;
  std::string operation;  // in the audit log
  std::string scheme;     // in the audit log ("" for DecryptPreMaster)
  std::string ems;        // as the edge logs it: "yes", "no", "-"
};

const HandshakeCase kCases[] = {
    {"Tls13Rsa", "rsa-2048.dev.keyward.test", "rsa-2048", "1.3", "", false,
     "TLS_AES_256_GCM_SHA384", "Sign", "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256",
     "-"},
    {"Tls13EcdsaP256", "ecdsa-p256.dev.keyward.test", "ecdsa-p256", "1.3", "",
     false, "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256", "-"},
    {"Tls13EcdsaP384", "ecdsa-p384.dev.keyward.test", "ecdsa-p384", "1.3", "",
     false, "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384", "-"},
    {"Tls13Ed25519", "ed25519.dev.keyward.test", "ed25519", "1.3", "", false,
     "TLS_AES_256_GCM_SHA384", "Sign", "SIGNATURE_SCHEME_ED25519", "-"},
    {"Tls12EcdheRsa", "rsa-2048.dev.keyward.test", "rsa-2048", "1.2",
     "ECDHE-RSA-AES128-GCM-SHA256", false, "ECDHE-RSA-AES128-GCM-SHA256",
     "Sign", "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256", "yes"},
    {"Tls12EcdheEcdsa", "ecdsa-p256.dev.keyward.test", "ecdsa-p256", "1.2",
     "ECDHE-ECDSA-AES128-GCM-SHA256", false, "ECDHE-ECDSA-AES128-GCM-SHA256",
     "Sign", "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256", "yes"},
    {"Tls12StaticRsaWithEms", "rsa-2048.dev.keyward.test", "rsa-2048", "1.2",
     "AES128-GCM-SHA256", false, "AES128-GCM-SHA256", "DecryptPreMaster", "",
     "yes"},
    {"Tls12StaticRsaWithoutEms", "rsa-2048.dev.keyward.test", "rsa-2048", "1.2",
     "AES128-GCM-SHA256", true, "AES128-GCM-SHA256", "DecryptPreMaster", "",
     "no"},
    // SNI: two names under example.test, served with different key types:
    // www.example.test is named exactly by the RSA certificate, any other
    // name by the ECDSA certificate's *.example.test.
    {"SniExactNameRsa", "www.example.test", "rsa-2048", "1.3", "", false,
     "TLS_AES_256_GCM_SHA384", "Sign", "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256",
     "-"},
    {"SniWildcardEcdsa", "api.example.test", "ecdsa-p256", "1.3", "", false,
     "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256", "-"},
};

void PrintTo(const HandshakeCase& c, std::ostream* out) { *out << c.name; }

// The stack every case shares: started once for the suite.
struct Stack {
  keyward::testing::DevKeystore keystore;
  std::string audit_path;
  std::string no_ems_config;
  std::unique_ptr<KeyServiceProcess> service;
  std::unique_ptr<EdgeProcess> edge;
};

class EdgeHandshakeTest
    : public ::testing::TestWithParam<std::tuple<TlsClient, HandshakeCase>> {
 protected:
  static void SetUpTestSuite() {
    auto stack = std::make_unique<Stack>();
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore("edge-handshakes");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    stack->keystore = *keystore;
    const std::string tmp = std::getenv("TEST_TMPDIR");
    stack->audit_path = tmp + "/edge-handshakes-audit.log";
    absl::StatusOr<std::unique_ptr<KeyServiceProcess>> service =
        KeyServiceProcess::Start(stack->keystore, stack->audit_path);
    ASSERT_TRUE(service.ok()) << service.status();
    stack->service = *std::move(service);

    const std::string config = tmp + "/edge-openssl.cnf";
    testing::WriteOpenSslConfig(
        config, {stack->service->endpoint(), &stack->keystore, "5s"});
    stack->no_ems_config = tmp + "/client-no-ems.cnf";
    std::ofstream(stack->no_ems_config)
        << "openssl_conf = client\n[client]\nssl_conf = ssl\n"
        << "[ssl]\nsystem_default = defaults\n"
        << "[defaults]\nOptions = -ExtendedMasterSecret\n";

    // Each selector form of key URI is used once.
    absl::StatusOr<LeafCertificate> p256 =
        ReadLeafCertificate(Chain(stack->keystore, "ecdsa-p256"));
    absl::StatusOr<LeafCertificate> p384 =
        ReadLeafCertificate(Chain(stack->keystore, "ecdsa-p384"));
    ASSERT_TRUE(p256.ok() && p384.ok());
    absl::StatusOr<std::unique_ptr<EdgeProcess>> edge = EdgeProcess::Start(
        config,
        {{Chain(stack->keystore, "rsa-2048"),
          "keyward:host=rsa-2048.dev.keyward.test"},
         {Chain(stack->keystore, "ecdsa-p256"), "keyward:id=" + p256->key_id},
         {Chain(stack->keystore, "ecdsa-p384"),
          "keyward:cert-sha256=" + p384->sha256},
         {Chain(stack->keystore, "ed25519"),
          "keyward:host=ed25519.dev.keyward.test"}});
    ASSERT_TRUE(edge.ok()) << edge.status();
    stack->edge = *std::move(edge);
    stack_ = stack.release();
  }

  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(stack_, nullptr) << "no stack"; }

  static std::string Chain(const keyward::testing::DevKeystore& keystore,
                           const std::string& key) {
    return keystore.dir + "/keys/" + key + ".crt";
  }

  static Stack* stack_;
};

Stack* EdgeHandshakeTest::stack_ = nullptr;

TEST_P(EdgeHandshakeTest, CompletesWithTheKeyServiceDoingTheKeyOperation) {
  const TlsClient client = std::get<0>(GetParam());
  const HandshakeCase& c = std::get<1>(GetParam());
  absl::StatusOr<LeafCertificate> leaf =
      ReadLeafCertificate(Chain(stack_->keystore, c.key));
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  const AuditQuery query{c.operation, leaf->key_id, c.scheme};
  absl::StatusOr<int> before = CountAuditRecords(stack_->audit_path, query);
  ASSERT_TRUE(before.ok()) << before.status();
  const size_t log_mark = stack_->edge->process().output_size();

  TlsRequest request;
  request.port = stack_->edge->port();
  request.host = c.host;
  request.ca_file = stack_->keystore.ca_cert();
  request.version = c.version;
  request.cipher = c.cipher;
  if (c.disable_ems) request.openssl_conf = stack_->no_ems_config;
  absl::StatusOr<TlsResult> result = RunTlsClient(client, request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->ok) << result->transcript;

  EXPECT_EQ(result->version, "TLSv" + c.version) << result->transcript;
  EXPECT_EQ(result->cipher, c.negotiated_cipher) << result->transcript;
  EXPECT_EQ(result->body, kBody) << result->transcript;
  if (client != TlsClient::kCurl) {
    EXPECT_EQ(result->certificate_sha256, leaf->sha256) << result->transcript;
  }
  if (client != TlsClient::kPython) {
    EXPECT_EQ(result->certificate_cn, leaf->common_name) << result->transcript;
  }
  if (client == TlsClient::kOpenSslSClient && c.version == "1.2") {
    EXPECT_EQ(result->extended_master_secret, c.ems) << result->transcript;
  }

  absl::StatusOr<std::string> logged = stack_->edge->process().WaitForLine(
      "handshake: ", absl::Seconds(10), log_mark);
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_TRUE(absl::StrContains(
      *logged, absl::StrCat(" sni=", c.host, " site=", leaf->common_name,
                            " version=TLSv", c.version,
                            " cipher=", c.negotiated_cipher, " ems=", c.ems)))
      << *logged;

  absl::StatusOr<int> after = CountAuditRecords(stack_->audit_path, query);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, *before + 1)
      << c.operation << " " << c.scheme << " with " << leaf->key_id;
}

INSTANTIATE_TEST_SUITE_P(
    AllClients, EdgeHandshakeTest,
    ::testing::Combine(::testing::Values(TlsClient::kOpenSslSClient,
                                         TlsClient::kCurl, TlsClient::kPython),
                       ::testing::ValuesIn(kCases)),
    [](const ::testing::TestParamInfo<EdgeHandshakeTest::ParamType>& info) {
      return TlsClientName(std::get<0>(info.param)) + "_" +
             std::get<1>(info.param).name;
    });

}  // namespace
}  // namespace keyward::edge
