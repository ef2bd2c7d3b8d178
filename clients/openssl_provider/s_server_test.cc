// End to end with no code of ours but the provider: openssl s_server serves
// with -key keyward:<selector>, loading keyward.so with -provider-path /
// -provider and configured through the environment (KEYWARD_*), and
// openssl s_client completes handshakes with it. Each case checks the
// negotiated version, cipher and certificate, and that the key service
// recorded the operation. Also: openssl pkey reads a key's public half.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "clients/edge/testing/audit_records.h"
#include "clients/edge/testing/certificates.h"
#include "clients/edge/testing/edge_process.h"
#include "clients/edge/testing/key_service_process.h"
#include "clients/edge/testing/tls_clients.h"
#include "clients/openssl_provider/openssl_ptr.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_keystore.h"

namespace keyward::provider {
namespace {

using edge::testing::AuditQuery;
using edge::testing::CountAuditRecords;
using edge::testing::KeyServiceProcess;
using edge::testing::LeafCertificate;
using edge::testing::ReadLeafCertificate;
using edge::testing::RunTlsClient;
using edge::testing::TlsClient;
using edge::testing::TlsRequest;
using edge::testing::TlsResult;
using ::keyward::testing::ChildProcess;
using ::keyward::testing::PortAfter;
using ::keyward::testing::ProcessResult;
using ::keyward::testing::RunProcess;

// The selector forms of a key URI.
enum class Selector { kHost, kId, kCertificate };

struct SServerCase {
  std::string name;
  std::string key;  // dev keystore key
  std::string host;
  Selector selector;
  std::string version;
  std::string cipher;   // TLS 1.2 only
  std::string sigalgs;  // s_client -sigalgs
  bool disable_ems;
  // Expected:
  std::string negotiated_cipher;
  std::string operation;
  std::string scheme;
  std::string ems;  // s_client's "Extended master secret", TLS 1.2 only
};

const SServerCase kCases[] = {
    {"Tls13EcdsaP256ByHost", "ecdsa-p256", "ecdsa-p256.dev.keyward.test",
     Selector::kHost, "1.3", "", "", false, "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256", ""},
    {"Tls13EcdsaP384ById", "ecdsa-p384", "ecdsa-p384.dev.keyward.test",
     Selector::kId, "1.3", "", "", false, "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384", ""},
    {"Tls13RsaPssByCertificate", "rsa-2048", "rsa-2048.dev.keyward.test",
     Selector::kCertificate, "1.3", "", "rsa_pss_rsae_sha256", false,
     "TLS_AES_256_GCM_SHA384", "Sign", "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256",
     ""},
    {"Tls13Rsa3072PssSha384", "rsa-3072", "rsa-3072.dev.keyward.test",
     Selector::kHost, "1.3", "", "rsa_pss_rsae_sha384", false,
     "TLS_AES_256_GCM_SHA384", "Sign", "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384",
     ""},
    {"Tls13Ed25519", "ed25519", "ed25519.dev.keyward.test", Selector::kHost,
     "1.3", "", "", false, "TLS_AES_256_GCM_SHA384", "Sign",
     "SIGNATURE_SCHEME_ED25519", ""},
    {"Tls12EcdheRsaPkcs1", "rsa-2048", "rsa-2048.dev.keyward.test",
     Selector::kHost, "1.2", "ECDHE-RSA-AES128-GCM-SHA256", "RSA+SHA256", false,
     "ECDHE-RSA-AES128-GCM-SHA256", "Sign", "SIGNATURE_SCHEME_RSA_PKCS1_SHA256",
     "yes"},
    {"Tls12EcdheEcdsa", "ecdsa-p256", "ecdsa-p256.dev.keyward.test",
     Selector::kHost, "1.2", "ECDHE-ECDSA-AES128-GCM-SHA256", "", false,
     "ECDHE-ECDSA-AES128-GCM-SHA256", "Sign",
     "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256", "yes"},
    {"Tls12StaticRsaWithEms", "rsa-2048", "rsa-2048.dev.keyward.test",
     Selector::kHost, "1.2", "AES128-GCM-SHA256", "", false,
     "AES128-GCM-SHA256", "DecryptPreMaster", "", "yes"},
    {"Tls12StaticRsaWithoutEms", "rsa-2048", "rsa-2048.dev.keyward.test",
     Selector::kHost, "1.2", "AES128-GCM-SHA256", "", true, "AES128-GCM-SHA256",
     "DecryptPreMaster", "", "no"},
};

void PrintTo(const SServerCase& c, std::ostream* out) { *out << c.name; }

struct Service {
  keyward::testing::DevKeystore keystore;
  std::string audit_path;
  std::string no_ems_config;
  std::unique_ptr<KeyServiceProcess> process;
};

// SServerTest runs one key service per test suite.
class SServerTest : public ::testing::TestWithParam<SServerCase> {
 protected:
  static void SetUpTestSuite() {
    auto service = std::make_unique<Service>();
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore(absl::StrReplaceAll(
            ::testing::UnitTest::GetInstance()->current_test_suite()->name(),
            {{"/", "-"}}));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    service->keystore = *keystore;
    service->audit_path = keystore->dir + "-audit.log";
    service->no_ems_config = keystore->dir + "-client-no-ems.cnf";
    std::ofstream(service->no_ems_config)
        << "openssl_conf = client\n[client]\nssl_conf = ssl\n"
        << "[ssl]\nsystem_default = defaults\n"
        << "[defaults]\nOptions = -ExtendedMasterSecret\n";
    absl::StatusOr<std::unique_ptr<KeyServiceProcess>> process =
        KeyServiceProcess::Start(service->keystore, service->audit_path);
    ASSERT_TRUE(process.ok()) << process.status();
    service->process = *std::move(process);
    service_ = service.release();
  }

  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(service_, nullptr) << "no key service"; }

  static std::string Chain(const std::string& key) {
    return service_->keystore.dir + "/keys/" + key + ".crt";
  }

  // ProviderEnvironment: the provider's settings, as the only environment
  // of the openssl command.
  static std::vector<std::string> ProviderEnvironment() {
    const keyward::testing::DevKeystore& keystore = service_->keystore;
    return {"KEYWARD_ENDPOINT=" + service_->process->endpoint(),
            "KEYWARD_CA=" + keystore.ca_cert(),
            "KEYWARD_CERT=" + keystore.client_cert('a'),
            "KEYWARD_KEY=" + keystore.client_key('a'), "KEYWARD_TIMEOUT=5s"};
  }

  // ProviderFlags: -provider-path and -provider, default first.
  static std::vector<std::string> ProviderFlags() {
    std::string module = edge::testing::ProviderModulePath();
    return {"-provider-path", module.substr(0, module.rfind('/')),
            "-provider",      "default",
            "-provider",      "keyward"};
  }

  static Service* service_;
};

Service* SServerTest::service_ = nullptr;

std::string KeyUri(Selector selector, const std::string& host,
                   const LeafCertificate& leaf) {
  switch (selector) {
    case Selector::kHost:
      return "keyward:host=" + host;
    case Selector::kId:
      return "keyward:id=" + leaf.key_id;
    case Selector::kCertificate:
      return "keyward:cert-sha256=" + leaf.sha256;
  }
  return "";
}

TEST_P(SServerTest, ServesWithAKeywardKey) {
  const SServerCase& c = GetParam();
  absl::StatusOr<LeafCertificate> leaf = ReadLeafCertificate(Chain(c.key));
  ASSERT_TRUE(leaf.ok()) << leaf.status();

  std::vector<std::string> argv = {"/usr/bin/openssl", "s_server"};
  for (const std::string& flag : ProviderFlags()) argv.push_back(flag);
  for (const std::string& flag :
       {std::string("-accept"), std::string("127.0.0.1:0"),
        std::string("-cert"), Chain(c.key), std::string("-key"),
        KeyUri(c.selector, c.host, *leaf), std::string("-www")}) {
    argv.push_back(flag);
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> server =
      ChildProcess::Start(argv, ProviderEnvironment());
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::string> accepting =
      (*server)->WaitForLine("ACCEPT", absl::Seconds(30));
  ASSERT_TRUE(accepting.ok()) << accepting.status();
  absl::StatusOr<int> port = PortAfter(*accepting, "127.0.0.1:");
  ASSERT_TRUE(port.ok()) << port.status();

  const AuditQuery query{c.operation, leaf->key_id, c.scheme};
  absl::StatusOr<int> before = CountAuditRecords(service_->audit_path, query);
  ASSERT_TRUE(before.ok()) << before.status();

  TlsRequest request;
  request.port = *port;
  request.host = c.host;
  request.ca_file = service_->keystore.ca_cert();
  request.version = c.version;
  request.cipher = c.cipher;
  request.sigalgs = c.sigalgs;
  if (c.disable_ems) request.openssl_conf = service_->no_ems_config;
  absl::StatusOr<TlsResult> result =
      RunTlsClient(TlsClient::kOpenSslSClient, request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->ok) << result->transcript << "\ns_server:\n"
                          << (*server)->output();
  EXPECT_EQ(result->version, "TLSv" + c.version);
  EXPECT_EQ(result->cipher, c.negotiated_cipher);
  EXPECT_EQ(result->certificate_sha256, leaf->sha256);
  EXPECT_EQ(result->extended_master_secret, c.ems);
  // s_server -www answers with a status page naming the cipher.
  EXPECT_TRUE(absl::StrContains(result->body, c.negotiated_cipher))
      << result->body;

  absl::StatusOr<int> after = CountAuditRecords(service_->audit_path, query);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, *before + 1)
      << c.operation << " " << c.scheme << " with " << leaf->key_id;
}

INSTANTIATE_TEST_SUITE_P(Handshakes, SServerTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<SServerCase>& info) {
                           return info.param.name;
                         });

// PublicKeyId: the key id (hex SHA-256 of the SPKI) of a PEM public key.
std::string PublicKeyId(const std::string& pem) {
  openssl::BioPtr bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  openssl::EvpPkeyPtr key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return "";
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key.get(), &der);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<size_t>(length), digest, &digest_length,
             EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
}

TEST_F(SServerTest, PkeyReadsThePublicHalf) {
  for (const char* key : {"rsa-2048", "ecdsa-p384", "ed25519"}) {
    absl::StatusOr<LeafCertificate> leaf = ReadLeafCertificate(Chain(key));
    ASSERT_TRUE(leaf.ok()) << leaf.status();
    std::vector<std::string> argv = {"/usr/bin/openssl", "pkey"};
    for (const std::string& flag : ProviderFlags()) argv.push_back(flag);
    argv.insert(argv.end(), {"-in", "keyward:id=" + leaf->key_id, "-pubout"});
    absl::StatusOr<ProcessResult> run =
        RunProcess(argv, ProviderEnvironment(), "", absl::Seconds(30));
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->exit_code, 0) << run->err;
    EXPECT_EQ(PublicKeyId(run->out), leaf->key_id) << key;
  }
}

TEST_F(SServerTest, ReportsAKeyTheServiceDoesNotHave) {
  std::vector<std::string> argv = {"/usr/bin/openssl", "pkey"};
  for (const std::string& flag : ProviderFlags()) argv.push_back(flag);
  argv.insert(argv.end(),
              {"-in", "keyward:host=nothing.example.org", "-pubout"});
  absl::StatusOr<ProcessResult> run =
      RunProcess(argv, ProviderEnvironment(), "", absl::Seconds(30));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_NE(run->exit_code, 0);
  EXPECT_TRUE(absl::StrContains(run->err, "NOT_FOUND")) << run->err;
}

}  // namespace
}  // namespace keyward::provider
