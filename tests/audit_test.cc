// The audit log through the real server: every KeyService operation, unary
// or pipelined, and every AdminService.Reload, successful or not, leaves
// exactly one JSON line whose
// members are checked one by one against what the test did; no secret,
// input or output of an operation appears in the file; and an audit sink
// that cannot be written refuses operations (fail closed) or is only logged
// (fail open).
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using testing::kEdgeA;
using testing::kEdgeB;
using Stream =
    grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>;

constexpr char kP256Host[] = "ecdsa-p256.dev.keyward.test";
constexpr char kRsaHost[] = "rsa-2048.dev.keyward.test";
constexpr char kEcdsaScheme[] = "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256";
constexpr char kPssScheme[] = "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256";

// The members of an audit line, in their documented order (audit_log.h).
const std::vector<std::string>& AuditMembers() {
  static const std::vector<std::string>* const members =
      new std::vector<std::string>{
          "time",      "identity", "peer",   "request_id", "operation",
          "pipelined", "key_id",   "scheme", "outcome",    "latency_us"};
  return *members;
}

// ExpectedRecord is what one audit line must say, besides time, peer and
// latency, which are checked against the test's time window and address.
struct ExpectedRecord {
  std::string identity;
  std::string request_id;
  std::string operation;
  bool pipelined;
  std::string key_id;
  std::string scheme;
  std::string outcome;
};

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  EXPECT_EQ(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                       static_cast<int>(n)),
            1);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Prepare sets a deadline and, when not empty, the x-request-id metadata.
void Prepare(grpc::ClientContext& context, const std::string& request_id) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
}

v1::SignRequest StructuredP256(v1::KeySelector selector,
                               const std::string& transcript_hash) {
  v1::SignRequest request;
  *request.mutable_key() = std::move(selector);
  request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  request.mutable_tls13_certificate_verify()->set_transcript_hash(
      transcript_hash);
  return request;
}

v1::KeySelector ByHost(const std::string& host) {
  v1::KeySelector selector;
  selector.set_server_name(host);
  return selector;
}

v1::KeySelector ById(const std::string& key_id) {
  v1::KeySelector selector;
  selector.set_key_id(key_id);
  return selector;
}

class AuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("audit");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
  }
  static void TearDownTestSuite() {
    delete keystore_;
    keystore_ = nullptr;
  }

  // StartServer starts a server with `config` (TestServerConfig by default)
  // and marks the start of the test's time window.
  void StartServer(const config::ServerConfig& config) {
    config_ = config;
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    window_start_ = absl::Now();
  }

  // AuditLines reads the audit file: every line complete, printable ASCII
  // and a JSON object (member order kept).
  std::vector<nlohmann::ordered_json> AuditLines() {
    const std::string text = ReadFile(config_.audit().path());
    std::vector<nlohmann::ordered_json> out;
    if (text.empty()) return out;
    EXPECT_EQ(text.back(), '\n') << "the last line is cut short";
    for (absl::string_view line :
         absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      for (char c : line) {
        EXPECT_TRUE(c >= 0x20 && c <= 0x7e)
            << "byte " << int{c} << " in " << line;
      }
      nlohmann::ordered_json parsed =
          nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/
                                        false);
      EXPECT_TRUE(parsed.is_object()) << line;
      out.push_back(std::move(parsed));
    }
    return out;
  }

  // ExpectRecord checks `line` member by member against `want`, the time
  // window [window_start_, window_end] and the loopback peer.
  void ExpectRecord(const nlohmann::ordered_json& line,
                    const ExpectedRecord& want, absl::Time window_end) {
    SCOPED_TRACE(line.dump());
    ASSERT_TRUE(line.is_object());
    std::vector<std::string> members;
    for (const auto& member : line.items()) members.push_back(member.key());
    EXPECT_EQ(members, AuditMembers());
    for (const char* name : {"time", "identity", "peer", "request_id",
                             "operation", "key_id", "scheme", "outcome"}) {
      ASSERT_TRUE(line[name].is_string()) << name;
    }
    ASSERT_TRUE(line["pipelined"].is_boolean());
    ASSERT_TRUE(line["latency_us"].is_number_integer());

    EXPECT_EQ(line["identity"].get<std::string>(), want.identity);
    EXPECT_EQ(line["request_id"].get<std::string>(), want.request_id);
    EXPECT_EQ(line["operation"].get<std::string>(), want.operation);
    EXPECT_EQ(line["pipelined"].get<bool>(), want.pipelined);
    EXPECT_EQ(line["key_id"].get<std::string>(), want.key_id);
    EXPECT_EQ(line["scheme"].get<std::string>(), want.scheme);
    EXPECT_EQ(line["outcome"].get<std::string>(), want.outcome);

    const std::string peer = line["peer"].get<std::string>();
    constexpr absl::string_view kLoopback = "ipv4:127.0.0.1:";
    int port = 0;
    EXPECT_TRUE(absl::StartsWith(peer, kLoopback)) << peer;
    EXPECT_TRUE(absl::SimpleAtoi(peer.substr(kLoopback.size()), &port) &&
                port > 0 && port < 65536)
        << peer;

    const int64_t latency_us = line["latency_us"].get<int64_t>();
    EXPECT_GE(latency_us, 0);
    EXPECT_LT(latency_us, 10'000'000);

    // "2026-11-27T16:05:01.123456Z": RFC 3339, UTC, microseconds.
    const std::string text = line["time"].get<std::string>();
    EXPECT_EQ(text.size(), 27u) << text;
    EXPECT_EQ(text.back(), 'Z') << text;
    absl::Time time;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &time, &error))
        << text << ": " << error;
    // The line's time is truncated to the microsecond.
    const absl::Time start =
        absl::FromUnixMicros(absl::ToUnixMicros(window_start_));
    EXPECT_GE(time, start);
    EXPECT_LE(time + absl::Microseconds(latency_us), window_end);
  }

  void ExpectRecords(const std::vector<ExpectedRecord>& want) {
    const absl::Time window_end = absl::Now();
    const std::vector<nlohmann::ordered_json> lines = AuditLines();
    ASSERT_EQ(lines.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(absl::StrCat("line ", i + 1));
      ExpectRecord(lines[i], want[i], window_end);
    }
  }

  static testing::DevKeystore* keystore_;
  config::ServerConfig config_;
  std::unique_ptr<testing::TestServer> server_;
  absl::Time window_start_;
};

testing::DevKeystore* AuditTest::keystore_ = nullptr;

TEST_F(AuditTest, EveryOperationIsAuditedFieldByField) {
  StartServer(testing::TestServerConfig(*keystore_));
  std::unique_ptr<v1::KeyService::Stub> a = server_->KeyService('a');
  std::unique_ptr<v1::KeyService::Stub> b = server_->KeyService('b');
  std::vector<ExpectedRecord> want;
  // Every input and output of the operations below that must stay out of
  // the audit log.
  std::vector<std::string> secrets;

  // ListKeys, with a request id.
  v1::ListKeysResponse keys;
  {
    grpc::ClientContext context;
    Prepare(context, "list-1");
    const grpc::Status status =
        a->ListKeys(&context, v1::ListKeysRequest(), &keys);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(keys.keys_size(), 5);
    want.push_back({kEdgeA, "list-1", "ListKeys", false, "", "", "OK"});
  }
  std::string rsa_id;
  testing::EvpPkeyPtr rsa_public(nullptr, EVP_PKEY_free);
  for (const v1::KeyInfo& key : keys.keys()) {
    if (key.name() == "rsa-2048") {
      rsa_id = key.key_id();
      rsa_public =
          testing::PublicKeyOfCertificate(key.certificate_chain_der(0));
    }
  }
  ASSERT_EQ(rsa_id.size(), 64u);
  ASSERT_NE(rsa_public, nullptr);

  // GetKey by host name, without a request id.
  std::string p256_id;
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::GetKeyRequest request;
    *request.mutable_key() = ByHost(kP256Host);
    v1::GetKeyResponse response;
    const grpc::Status status = a->GetKey(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    p256_id = response.key().key_id();
    ASSERT_EQ(p256_id.size(), 64u);
    want.push_back({kEdgeA, "", "GetKey", false, p256_id, "", "OK"});
  }

  // Sign, structured, with a request id that JSON must escape.
  const std::string transcript_hash = RandomBytes(32);
  secrets.push_back(transcript_hash);
  {
    const std::string request_id = "quote\"back\\slash{}";
    grpc::ClientContext context;
    Prepare(context, request_id);
    v1::SignResponse response;
    const grpc::Status status =
        a->Sign(&context, StructuredP256(ByHost(kP256Host), transcript_hash),
                &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.key_id(), p256_id);
    secrets.push_back(response.signature());
    want.push_back({kEdgeA, request_id, "Sign", false, response.key_id(),
                    kEcdsaScheme, "OK"});
  }

  // Sign, raw message, RSA-PSS, with a request id of the longest length.
  const std::string message = absl::StrCat(
      "audit test message ", absl::BytesToHexString(RandomBytes(16)));
  secrets.push_back(message);
  {
    const std::string request_id(128, 'r');
    grpc::ClientContext context;
    Prepare(context, request_id);
    v1::SignRequest request;
    *request.mutable_key() = ById(rsa_id);
    request.set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
    request.set_message(message);
    v1::SignResponse response;
    const grpc::Status status = a->Sign(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.key_id(), rsa_id);
    EXPECT_TRUE(testing::VerifyMessageSignature(
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, rsa_public.get(), message,
        response.signature()));
    secrets.push_back(response.signature());
    want.push_back({kEdgeA, request_id, "Sign", false, response.key_id(),
                    kPssScheme, "OK"});
  }

  // DecryptPreMaster of a real pre-master; then one of the wrong length,
  // refused after the key was resolved.
  const std::string pre_master = "\x03\x03" + RandomBytes(46);
  const std::string ciphertext =
      testing::EncryptPkcs1(rsa_public.get(), pre_master);
  secrets.push_back(pre_master);
  secrets.push_back(ciphertext);
  {
    grpc::ClientContext context;
    Prepare(context, "decrypt");
    v1::DecryptPreMasterRequest request;
    *request.mutable_key() = ByHost(kRsaHost);
    request.set_encrypted_pre_master(ciphertext);
    request.set_client_version(0x0303);
    v1::DecryptPreMasterResponse response;
    const grpc::Status status =
        a->DecryptPreMaster(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.pre_master_secret(), pre_master);
    EXPECT_EQ(response.key_id(), rsa_id);
    want.push_back({kEdgeA, "decrypt", "DecryptPreMaster", false,
                    response.key_id(), "", "OK"});
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::DecryptPreMasterRequest request;
    *request.mutable_key() = ById(rsa_id);
    request.set_encrypted_pre_master(ciphertext.substr(1));
    request.set_client_version(0x0303);
    v1::DecryptPreMasterResponse response;
    EXPECT_EQ(a->DecryptPreMaster(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    want.push_back({kEdgeA, "", "DecryptPreMaster", false, rsa_id, "",
                    "INVALID_ARGUMENT"});
  }

  // RsaKeyExchange of the same ciphertext.
  const std::string client_random = RandomBytes(32);
  const std::string server_random = RandomBytes(32);
  secrets.push_back(client_random);
  secrets.push_back(server_random);
  {
    grpc::ClientContext context;
    Prepare(context, "kx");
    v1::RsaKeyExchangeRequest request;
    *request.mutable_key() = ById(rsa_id);
    request.set_encrypted_pre_master(ciphertext);
    request.set_client_version(0x0303);
    request.set_client_random(client_random);
    request.set_server_random(server_random);
    request.set_prf_hash(v1::PRF_HASH_SHA256);
    request.set_key_block_length(40);
    v1::RsaKeyExchangeResponse response;
    const grpc::Status status = a->RsaKeyExchange(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.master_secret().size(), 48u);
    EXPECT_EQ(response.key_block().size(), 40u);
    EXPECT_EQ(response.key_id(), rsa_id);
    secrets.push_back(response.master_secret());
    secrets.push_back(response.key_block());
    want.push_back(
        {kEdgeA, "kx", "RsaKeyExchange", false, response.key_id(), "", "OK"});
  }

  // DeriveSessionKeys: no key.
  {
    grpc::ClientContext context;
    Prepare(context, "derive");
    v1::DeriveSessionKeysRequest request;
    v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
    tls13->set_cipher_suite(0x1301);
    tls13->set_shared_secret(RandomBytes(32));
    tls13->set_server_hello_hash(RandomBytes(32));
    tls13->set_server_finished_hash(RandomBytes(32));
    secrets.push_back(tls13->shared_secret());
    secrets.push_back(tls13->server_hello_hash());
    secrets.push_back(tls13->server_finished_hash());
    v1::DeriveSessionKeysResponse response;
    const grpc::Status status =
        a->DeriveSessionKeys(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_TRUE(response.has_tls13());
    for (const v1::TrafficKeys* keys :
         {&response.tls13().client_handshake(),
          &response.tls13().server_handshake(),
          &response.tls13().client_application(),
          &response.tls13().server_application()}) {
      EXPECT_EQ(keys->secret().size(), 32u);
      secrets.push_back(keys->secret());
      secrets.push_back(keys->key());
      secrets.push_back(keys->iv());
    }
    secrets.push_back(response.tls13().exporter_master_secret());
    want.push_back(
        {kEdgeA, "derive", "DeriveSessionKeys", false, "", "", "OK"});
  }

  // A key that does not exist.
  {
    grpc::ClientContext context;
    Prepare(context, "absent");
    v1::SignResponse response;
    EXPECT_EQ(
        a->Sign(&context,
                StructuredP256(ById(std::string(64, 'e')), transcript_hash),
                &response)
            .error_code(),
        grpc::StatusCode::NOT_FOUND);
    want.push_back(
        {kEdgeA, "absent", "Sign", false, "", kEcdsaScheme, "NOT_FOUND"});
  }

  // edge/b: RSA keys are invisible to it; ecdsa-p256 it may only use for
  // structured signing.
  {
    grpc::ClientContext context;
    Prepare(context, "b-get");
    v1::GetKeyRequest request;
    *request.mutable_key() = ById(rsa_id);
    v1::GetKeyResponse response;
    EXPECT_EQ(b->GetKey(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
    want.push_back({kEdgeB, "b-get", "GetKey", false, "", "", "NOT_FOUND"});
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::DecryptPreMasterRequest request;
    *request.mutable_key() = ById(rsa_id);
    request.set_encrypted_pre_master(ciphertext);
    request.set_client_version(0x0303);
    v1::DecryptPreMasterResponse response;
    EXPECT_EQ(b->DecryptPreMaster(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_TRUE(response.pre_master_secret().empty());
    want.push_back(
        {kEdgeB, "", "DecryptPreMaster", false, "", "", "NOT_FOUND"});
  }
  {
    grpc::ClientContext context;
    Prepare(context, "b-sign");
    v1::SignResponse response;
    const grpc::Status status = b->Sign(
        &context, StructuredP256(ById(p256_id), transcript_hash), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    secrets.push_back(response.signature());
    want.push_back({kEdgeB, "b-sign", "Sign", false, response.key_id(),
                    kEcdsaScheme, "OK"});
  }
  {
    // Refused by the key's policy while resolving it: no key id.
    grpc::ClientContext context;
    Prepare(context, "b-raw");
    v1::SignRequest request;
    *request.mutable_key() = ById(p256_id);
    request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
    request.set_digest(RandomBytes(32));
    secrets.push_back(request.digest());
    v1::SignResponse response;
    EXPECT_EQ(b->Sign(&context, request, &response).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    want.push_back({kEdgeB, "b-raw", "Sign", false, "", kEcdsaScheme,
                    "FAILED_PRECONDITION"});
  }

  // A Pipeline stream with a request id: one record per request, answered
  // one at a time so that the lines come in this order.
  {
    grpc::ClientContext context;
    Prepare(context, "stream-9");
    std::unique_ptr<Stream> stream = a->Pipeline(&context);
    v1::PipelineRequest sign;
    sign.set_request_id(41);
    *sign.mutable_sign() = StructuredP256(ById(p256_id), transcript_hash);
    ASSERT_TRUE(stream->Write(sign));
    v1::PipelineResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.request_id(), 41u);
    EXPECT_EQ(response.status().code(), 0) << response.status().message();
    ASSERT_TRUE(response.has_sign());
    EXPECT_EQ(response.sign().key_id(), p256_id);
    secrets.push_back(response.sign().signature());
    want.push_back({kEdgeA, "stream-9/41", "Sign", true,
                    response.sign().key_id(), kEcdsaScheme, "OK"});

    v1::PipelineRequest decrypt;
    decrypt.set_request_id(42);
    decrypt.mutable_decrypt_pre_master()->mutable_key()->set_key_id(rsa_id);
    decrypt.mutable_decrypt_pre_master()->set_encrypted_pre_master(ciphertext);
    decrypt.mutable_decrypt_pre_master()->set_client_version(0x0303);
    ASSERT_TRUE(stream->Write(decrypt));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.request_id(), 42u);
    EXPECT_EQ(response.status().code(), 0) << response.status().message();
    ASSERT_TRUE(response.has_decrypt_pre_master());
    EXPECT_EQ(response.decrypt_pre_master().pre_master_secret(), pre_master);
    want.push_back({kEdgeA, "stream-9/42", "DecryptPreMaster", true,
                    response.decrypt_pre_master().key_id(), "", "OK"});
    ASSERT_TRUE(stream->WritesDone());
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status finished = stream->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
  }
  // A Pipeline stream without a request id, of edge/b.
  {
    grpc::ClientContext context;
    Prepare(context, "");
    std::unique_ptr<Stream> stream = b->Pipeline(&context);
    v1::PipelineRequest get;
    get.set_request_id(7);
    *get.mutable_get_key()->mutable_key() = ById(rsa_id);
    ASSERT_TRUE(stream->Write(get));
    ASSERT_TRUE(stream->WritesDone());
    v1::PipelineResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.request_id(), 7u);
    EXPECT_EQ(response.status().code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_FALSE(stream->Read(&response));
    const grpc::Status finished = stream->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
    want.push_back({kEdgeB, "/7", "GetKey", true, "", "", "NOT_FOUND"});
  }

  ExpectRecords(want);

  const std::string audit = ReadFile(config_.audit().path());
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 12u);  // The shortest: the AES-GCM IVs.
    const std::string hex = absl::BytesToHexString(secret);
    std::string upper_hex = hex;
    for (char& c : upper_hex) c = static_cast<char>(std::toupper(c));
    for (const std::string& form :
         {secret, hex, upper_hex, absl::Base64Escape(secret),
          absl::WebSafeBase64Escape(secret)}) {
      EXPECT_FALSE(absl::StrContains(audit, form))
          << "the audit log holds " << hex;
    }
  }
  // Mode 0600, as created (audit_log.h).
  struct stat info;
  ASSERT_EQ(stat(config_.audit().path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(AuditTest, EveryReloadIsAuditedAllowedOrNot) {
  StartServer(testing::TestServerConfig(*keystore_));
  std::vector<ExpectedRecord> want;
  // Edge b is not an admin; an invalid request id is refused before the
  // identity is checked against admin_identities; edge a may reload.
  const struct {
    char edge;
    std::string request_id;
    grpc::StatusCode code;
    std::string audited_request_id;
    std::string outcome;
  } calls[] = {
      {'b', "deny-1", grpc::StatusCode::PERMISSION_DENIED, "deny-1",
       "PERMISSION_DENIED"},
      {'a', "has space", grpc::StatusCode::INVALID_ARGUMENT, "",
       "INVALID_ARGUMENT"},
      {'a', "reload-1", grpc::StatusCode::OK, "reload-1", "OK"},
  };
  for (const auto& call : calls) {
    SCOPED_TRACE(call.request_id);
    grpc::ClientContext context;
    Prepare(context, call.request_id);
    v1::ReloadResponse response;
    const grpc::Status status = server_->Admin(call.edge)->Reload(
        &context, v1::ReloadRequest(), &response);
    EXPECT_EQ(status.error_code(), call.code) << status.error_message();
    EXPECT_EQ(response.key_count(),
              call.code == grpc::StatusCode::OK ? 5u : 0u);
    want.push_back({call.edge == 'a' ? testing::kEdgeA : testing::kEdgeB,
                    call.audited_request_id, "Reload", false, "", "",
                    call.outcome});
  }
  ExpectRecords(want);
}

TEST_F(AuditTest, AnInvalidRequestIdIsRefusedAndAudited) {
  StartServer(testing::TestServerConfig(*keystore_));
  std::unique_ptr<v1::KeyService::Stub> a = server_->KeyService('a');
  std::vector<ExpectedRecord> want;
  for (const std::string& request_id :
       {std::string("has space"), std::string(129, 'x'),
        std::string(200, 'x')}) {
    SCOPED_TRACE(request_id);
    grpc::ClientContext context;
    Prepare(context, request_id);
    v1::SignResponse response;
    const grpc::Status status = a->Sign(
        &context, StructuredP256(ByHost(kP256Host), std::string(32, 't')),
        &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(absl::StrContains(status.error_message(), "x-request-id"))
        << status.error_message();
    EXPECT_TRUE(response.signature().empty());
    // The identity is recorded; the refused request id is not, and the
    // request is never resolved.
    want.push_back({testing::kEdgeA, "", "Sign", false, "", kEcdsaScheme,
                    "INVALID_ARGUMENT"});
  }
  // A Pipeline stream with an invalid request id ends before any request
  // is read, with one record of the refused stream.
  {
    grpc::ClientContext context;
    Prepare(context, "has space");
    std::unique_ptr<Stream> stream = a->Pipeline(&context);
    v1::PipelineRequest get;
    get.set_request_id(1);
    *get.mutable_get_key()->mutable_key() = ByHost(kP256Host);
    stream->Write(get);  // May fail: the server may have ended the call.
    stream->WritesDone();
    v1::PipelineResponse response;
    EXPECT_FALSE(stream->Read(&response));
    EXPECT_EQ(stream->Finish().error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    want.push_back(
        {testing::kEdgeA, "", "Pipeline", true, "", "", "INVALID_ARGUMENT"});
  }
  ExpectRecords(want);
}

// RunEveryOperation calls every KeyService RPC and a two-request Pipeline
// as edge/a, expecting `code` from each (and a result only when OK).
void RunEveryOperation(testing::TestServer& server, grpc::StatusCode code) {
  std::unique_ptr<v1::KeyService::Stub> a = server.KeyService('a');
  const bool ok = code == grpc::StatusCode::OK;
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::ListKeysResponse response;
    EXPECT_EQ(
        a->ListKeys(&context, v1::ListKeysRequest(), &response).error_code(),
        code);
    EXPECT_EQ(response.keys_size(), ok ? 5 : 0);
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::GetKeyRequest request;
    *request.mutable_key() = ByHost(kP256Host);
    v1::GetKeyResponse response;
    EXPECT_EQ(a->GetKey(&context, request, &response).error_code(), code);
    EXPECT_EQ(response.has_key(), ok);
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::SignResponse response;
    const grpc::Status status = a->Sign(
        &context, StructuredP256(ByHost(kP256Host), std::string(32, 't')),
        &response);
    EXPECT_EQ(status.error_code(), code);
    EXPECT_EQ(response.signature().empty(), !ok);
    // A refusal says why.
    EXPECT_EQ(absl::StrContains(status.error_message(), "audit.fail_closed"),
              !ok)
        << status.error_message();
  }
  v1::DecryptPreMasterRequest decrypt;
  *decrypt.mutable_key() = ByHost(kRsaHost);
  decrypt.set_encrypted_pre_master(std::string(256, '\x01'));
  decrypt.set_client_version(0x0303);
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::DecryptPreMasterResponse response;
    EXPECT_EQ(a->DecryptPreMaster(&context, decrypt, &response).error_code(),
              code);
    EXPECT_EQ(response.pre_master_secret().size(), ok ? 48u : 0u);
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::RsaKeyExchangeRequest request;
    *request.mutable_key() = decrypt.key();
    request.set_encrypted_pre_master(decrypt.encrypted_pre_master());
    request.set_client_version(0x0303);
    request.set_client_random(std::string(32, 'c'));
    request.set_server_random(std::string(32, 's'));
    request.set_prf_hash(v1::PRF_HASH_SHA256);
    v1::RsaKeyExchangeResponse response;
    EXPECT_EQ(a->RsaKeyExchange(&context, request, &response).error_code(),
              code);
    EXPECT_EQ(response.master_secret().size(), ok ? 48u : 0u);
  }
  {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::DeriveSessionKeysRequest request;
    request.mutable_tls13()->set_cipher_suite(0x1301);
    request.mutable_tls13()->set_shared_secret(std::string(32, 'k'));
    request.mutable_tls13()->set_server_hello_hash(std::string(32, 'h'));
    request.mutable_tls13()->set_server_finished_hash(std::string(32, 'f'));
    v1::DeriveSessionKeysResponse response;
    EXPECT_EQ(a->DeriveSessionKeys(&context, request, &response).error_code(),
              code);
    EXPECT_EQ(response.has_tls13(), ok);
  }
  {
    grpc::ClientContext context;
    Prepare(context, "stream");
    std::unique_ptr<Stream> stream = a->Pipeline(&context);
    v1::PipelineRequest sign;
    sign.set_request_id(1);
    *sign.mutable_sign() =
        StructuredP256(ByHost(kP256Host), std::string(32, 't'));
    v1::PipelineRequest decrypt_request;
    decrypt_request.set_request_id(2);
    *decrypt_request.mutable_decrypt_pre_master() = decrypt;
    ASSERT_TRUE(stream->Write(sign));
    ASSERT_TRUE(stream->Write(decrypt_request));
    ASSERT_TRUE(stream->WritesDone());
    std::set<uint64_t> answered;
    v1::PipelineResponse response;
    while (stream->Read(&response)) {
      answered.insert(response.request_id());
      EXPECT_EQ(response.status().code(), code) << response.request_id();
      EXPECT_EQ(response.result_case() != v1::PipelineResponse::RESULT_NOT_SET,
                ok)
          << response.request_id();
      EXPECT_EQ(
          absl::StrContains(response.status().message(), "audit.fail_closed"),
          !ok)
          << response.status().message();
    }
    EXPECT_EQ(answered, (std::set<uint64_t>{1, 2}));
    const grpc::Status finished = stream->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
  }
}

void ExpectServing(testing::TestServer& server) {
  grpc::ClientContext context;
  Prepare(context, "");
  grpc::health::v1::HealthCheckResponse health;
  const grpc::Status status =
      grpc::health::v1::Health::NewStub(server.Channel('a'))
          ->Check(&context, grpc::health::v1::HealthCheckRequest(), &health);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(AuditTest, AnUnwritableAuditLogFailsClosed) {
  config::ServerConfig config = testing::TestServerConfig(*keystore_);
  config.mutable_audit()->set_path("/dev/full");
  config.mutable_audit()->set_fail_closed(true);
  StartServer(config);
  RunEveryOperation(*server_, grpc::StatusCode::UNAVAILABLE);
  ExpectServing(*server_);
}

TEST_F(AuditTest, AnUnwritableAuditLogFailsOpenWhenConfigured) {
  config::ServerConfig config = testing::TestServerConfig(*keystore_);
  config.mutable_audit()->set_path("/dev/full");
  config.mutable_audit()->set_fail_closed(false);
  StartServer(config);
  RunEveryOperation(*server_, grpc::StatusCode::OK);
  ExpectServing(*server_);
}

}  // namespace
}  // namespace keyward
