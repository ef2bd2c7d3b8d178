// Malformed requests for every RPC, each with the status code the API
// documents, and the limits: message size, ciphertext length, deadlines.
// The server must stay healthy throughout.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using grpc::StatusCode;
using Stub = v1::KeyService::Stub;

// One malformed request: how to send it, the status code it must get, and
// a part of the message (the field it names).
struct HostileCase {
  std::string name;
  std::function<grpc::Status(Stub*, grpc::ClientContext*)> call;
  StatusCode code;
  std::string field;
};

const std::string kEcdhX25519 =
    std::string("\x03\x00\x1d\x20", 4) + std::string(32, 'p');

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("hostile");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    grpc::ClientContext context;
    ASSERT_TRUE(server_->KeyService('a')
                    ->ListKeys(&context, v1::ListKeysRequest(), &keys_)
                    .ok());
  }
  static void TearDownTestSuite() { delete server_; }

  static std::string KeyId(const std::string& name) {
    for (const v1::KeyInfo& key : keys_.keys()) {
      if (key.name() == name) return key.key_id();
    }
    ADD_FAILURE() << "no key " << name;
    return "";
  }

  // ExpectHealthy checks that the server still answers health checks and
  // signs.
  static void ExpectHealthy() {
    grpc::ClientContext health_context;
    grpc::health::v1::HealthCheckResponse health;
    const grpc::Status health_status =
        grpc::health::v1::Health::NewStub(server_->Channel('a'))
            ->Check(&health_context, grpc::health::v1::HealthCheckRequest(),
                    &health);
    EXPECT_TRUE(health_status.ok()) << health_status.error_message();
    EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    grpc::ClientContext context;
    v1::SignRequest request;
    request.mutable_key()->set_key_id(KeyId("ecdsa-p256"));
    request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
    request.set_message("still alive?");
    v1::SignResponse response;
    const grpc::Status status =
        server_->KeyService('a')->Sign(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.signature().empty());
  }

  static testing::TestServer* server_;
  static v1::ListKeysResponse keys_;
};

testing::TestServer* HostileInputTest::server_ = nullptr;
v1::ListKeysResponse HostileInputTest::keys_;

// Builders of one request of each RPC, valid unless changed by `mutate`.
template <typename Request>
using Mutation = std::function<void(Request*)>;

v1::SignRequest ValidSign(const std::string& key_id) {
  v1::SignRequest request;
  request.mutable_key()->set_key_id(key_id);
  request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  request.mutable_tls13_certificate_verify()->set_transcript_hash(
      std::string(32, 'h'));
  return request;
}

v1::RsaKeyExchangeRequest ValidExchange(const std::string& key_id) {
  v1::RsaKeyExchangeRequest request;
  request.mutable_key()->set_key_id(key_id);
  request.set_encrypted_pre_master(std::string(256, '\x01'));
  request.set_client_version(0x0303);
  request.set_client_random(std::string(32, 'c'));
  request.set_server_random(std::string(32, 's'));
  request.set_prf_hash(v1::PRF_HASH_SHA256);
  return request;
}

v1::DeriveSessionKeysRequest ValidTls13() {
  v1::DeriveSessionKeysRequest request;
  v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
  tls13->set_cipher_suite(0x1301);
  tls13->set_shared_secret(std::string(32, 'e'));
  tls13->set_server_hello_hash(std::string(32, '1'));
  tls13->set_server_finished_hash(std::string(32, '2'));
  return request;
}

TEST_F(HostileInputTest, EveryMalformedRequestGetsItsDocumentedStatus) {
  const std::string p256 = KeyId("ecdsa-p256");
  const std::string rsa = KeyId("rsa-2048");
  const std::string ed25519 = KeyId("ed25519");
  std::vector<HostileCase> cases;

  auto get_key = [&](std::string name, Mutation<v1::KeySelector> mutate,
                     StatusCode code, std::string field) {
    cases.push_back({"GetKey " + name,
                     [mutate](Stub* stub, grpc::ClientContext* context) {
                       v1::GetKeyRequest request;
                       mutate(request.mutable_key());
                       v1::GetKeyResponse response;
                       return stub->GetKey(context, request, &response);
                     },
                     code, field});
  };
  const StatusCode kInvalid = StatusCode::INVALID_ARGUMENT;
  get_key(
      "no selector", [](v1::KeySelector*) {}, kInvalid, "key: required");
  get_key(
      "short key id", [](auto* k) { k->set_key_id(std::string(63, 'a')); },
      kInvalid, "key.key_id");
  get_key(
      "long key id", [](auto* k) { k->set_key_id(std::string(65, 'a')); },
      kInvalid, "key.key_id");
  get_key(
      "uppercase key id", [](auto* k) { k->set_key_id(std::string(64, 'A')); },
      kInvalid, "key.key_id");
  get_key(
      "key id with NUL",
      [](auto* k) { k->set_key_id(std::string(63, 'a') + '\0'); }, kInvalid,
      "key.key_id");
  get_key(
      "unknown key id", [](auto* k) { k->set_key_id(std::string(64, '7')); },
      StatusCode::NOT_FOUND, "");
  for (const std::string& host :
       {std::string("www.example.test\n"),
        std::string("www\0.example.test", 17), std::string("www.\x7f.test"),
        std::string("www.\x1b[31m.test"), std::string("caf\xc3\xa9.test"),
        std::string(254, 'a'), std::string(64, 'a') + ".test",
        std::string("*.example.test"), std::string(""), std::string("a..b"),
        std::string(".a"), std::string("a b.test")}) {
    get_key(
        absl::StrCat("host ", absl::CHexEscape(host)),
        [host](auto* k) { k->set_server_name(host); }, kInvalid,
        "key.server_name");
  }
  get_key(
      "unknown host", [](auto* k) { k->set_server_name("nothing.here.test"); },
      StatusCode::NOT_FOUND, "");
  for (size_t length : {0, 31, 33, 64}) {
    get_key(
        absl::StrCat("certificate hash of ", length),
        [length](auto* k) {
          k->set_certificate_sha256(std::string(length, 'h'));
        },
        kInvalid, "key.certificate_sha256");
  }
  get_key(
      "unknown certificate hash",
      [](auto* k) { k->set_certificate_sha256(std::string(32, 'h')); },
      StatusCode::NOT_FOUND, "");

  for (const std::string& host :
       {std::string("a\rb.test"), std::string(300, 'x'), std::string("*.x")}) {
    cases.push_back({"ListKeys " + absl::CHexEscape(host.substr(0, 8)),
                     [host](Stub* stub, grpc::ClientContext* context) {
                       v1::ListKeysRequest request;
                       request.set_server_name(host);
                       v1::ListKeysResponse response;
                       return stub->ListKeys(context, request, &response);
                     },
                     kInvalid, "server_name"});
  }

  auto sign = [&](std::string name, Mutation<v1::SignRequest> mutate,
                  StatusCode code, std::string field) {
    cases.push_back({"Sign " + name,
                     [p256, mutate](Stub* stub, grpc::ClientContext* context) {
                       v1::SignRequest request = ValidSign(p256);
                       mutate(&request);
                       v1::SignResponse response;
                       return stub->Sign(context, request, &response);
                     },
                     code, field});
  };
  using S = v1::SignRequest;
  sign(
      "unspecified scheme", [](S* r) { r->clear_scheme(); }, kInvalid,
      "scheme");
  for (int raw : {0x0402, 0x0807 + 1, 0xffff, 0x10001, -5, 0x7fffffff}) {
    sign(
        absl::StrCat("unknown scheme ", raw),
        [raw](S* r) { r->set_scheme(static_cast<v1::SignatureScheme>(raw)); },
        kInvalid, "scheme: unknown value");
  }
  sign(
      "no input", [](S* r) { r->clear_input(); }, kInvalid, "input");
  for (size_t length : {0, 20, 31, 33, 47, 49, 64}) {
    sign(
        absl::StrCat("transcript hash of ", length),
        [length](S* r) {
          r->mutable_tls13_certificate_verify()->set_transcript_hash(
              std::string(length, 'h'));
        },
        kInvalid, "tls13_certificate_verify.transcript_hash");
  }
  sign(
      "PKCS#1 in TLS 1.3",
      [](S* r) { r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256); },
      kInvalid, "scheme");
  const std::pair<std::string, std::string> kBadParams[] = {
      {"empty params", ""},
      {"explicit curve", "\x01" + kEcdhX25519.substr(1)},
      {"unknown curve",
       std::string("\x03\x00\x16\x20", 4) + kEcdhX25519.substr(4)},
      {"short point", kEcdhX25519.substr(0, 35)},
      {"trailing byte", kEcdhX25519 + "!"},
      {"compressed P-256",
       std::string("\x03\x00\x17\x21\x02", 5) + std::string(32, 'x')},
      {"P-256 length for X448",
       std::string("\x03\x00\x1e\x41\x04", 5) + std::string(64, 'x')},
  };
  for (const auto& bad : kBadParams) {
    sign(
        "ServerECDHParams " + bad.first,
        [params = bad.second](S* r) {
          auto* ske = r->mutable_tls12_server_key_exchange();
          ske->set_client_random(std::string(32, 'c'));
          ske->set_server_random(std::string(32, 's'));
          ske->set_server_params(params);
        },
        kInvalid, "tls12_server_key_exchange.server_params");
  }
  sign(
      "short client random",
      [](S* r) {
        auto* ske = r->mutable_tls12_server_key_exchange();
        ske->set_client_random(std::string(16, 'c'));
        ske->set_server_random(std::string(32, 's'));
        ske->set_server_params(kEcdhX25519);
      },
      kInvalid, "tls12_server_key_exchange.client_random");
  for (size_t length : {0, 31, 33, 48}) {
    sign(
        absl::StrCat("digest of ", length),
        [length](S* r) { r->set_digest(std::string(length, 'd')); }, kInvalid,
        "digest");
  }
  sign(
      "digest for Ed25519",
      [](S* r) {
        r->set_scheme(v1::SIGNATURE_SCHEME_ED25519);
        r->set_digest(std::string(64, 'd'));
      },
      kInvalid, "digest");
  sign(
      "message over 64 KiB",
      [](S* r) { r->set_message(std::string(64 * 1024 + 1, 'm')); }, kInvalid,
      "message");
  sign(
      "P-384 scheme on the P-256 key",
      [](S* r) { r->set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384); },
      StatusCode::FAILED_PRECONDITION, "SIGNATURE_SCHEME_ECDSA_SECP384R1");
  sign(
      "RSA scheme on the P-256 key",
      [](S* r) { r->set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256); },
      StatusCode::FAILED_PRECONDITION, "");
  sign(
      "ECDSA scheme on an RSA key",
      [rsa](S* r) { r->mutable_key()->set_key_id(rsa); },
      StatusCode::FAILED_PRECONDITION, "");
  sign(
      "P-256 scheme on the Ed25519 key",
      [ed25519](S* r) { r->mutable_key()->set_key_id(ed25519); },
      StatusCode::FAILED_PRECONDITION, "");
  sign(
      "unknown key",
      [](S* r) { r->mutable_key()->set_key_id(std::string(64, 'b')); },
      StatusCode::NOT_FOUND, "");
  sign(
      "host with control characters",
      [](S* r) { r->mutable_key()->set_server_name("a\tb.test"); }, kInvalid,
      "key.server_name");

  auto exchange = [&](std::string name,
                      Mutation<v1::RsaKeyExchangeRequest> mutate,
                      StatusCode code, std::string field) {
    cases.push_back({"RsaKeyExchange " + name,
                     [rsa, mutate](Stub* stub, grpc::ClientContext* context) {
                       v1::RsaKeyExchangeRequest request = ValidExchange(rsa);
                       mutate(&request);
                       v1::RsaKeyExchangeResponse response;
                       return stub->RsaKeyExchange(context, request, &response);
                     },
                     code, field});
    cases.push_back(
        {"DecryptPreMaster " + name,
         [rsa, mutate](Stub* stub, grpc::ClientContext* context) {
           v1::RsaKeyExchangeRequest full = ValidExchange(rsa);
           mutate(&full);
           v1::DecryptPreMasterRequest request;
           *request.mutable_key() = full.key();
           request.set_encrypted_pre_master(full.encrypted_pre_master());
           request.set_client_version(full.client_version());
           v1::DecryptPreMasterResponse response;
           return stub->DecryptPreMaster(context, request, &response);
         },
         code, field});
  };
  using K = v1::RsaKeyExchangeRequest;
  exchange(
      "no selector", [](K* r) { r->clear_key(); }, kInvalid, "key");
  exchange(
      "empty ciphertext", [](K* r) { r->clear_encrypted_pre_master(); },
      kInvalid, "encrypted_pre_master");
  exchange(
      "ciphertext over 1024 bytes",
      [](K* r) { r->set_encrypted_pre_master(std::string(1025, 'x')); },
      kInvalid, "encrypted_pre_master");
  for (uint32_t version :
       {0u, 0x0200u, 0x02ffu, 0x0400u, 0xfeffu, 0xffffffffu}) {
    exchange(
        absl::StrCat("client version ", absl::Hex(version)),
        [version](K* r) { r->set_client_version(version); }, kInvalid,
        "client_version");
  }
  exchange(
      "unknown key",
      [](K* r) { r->mutable_key()->set_key_id(std::string(64, 'c')); },
      StatusCode::NOT_FOUND, "");
  exchange(
      "ECDSA key", [p256](K* r) { r->mutable_key()->set_key_id(p256); },
      StatusCode::FAILED_PRECONDITION, "");
  auto exchange_only = [&](std::string name, Mutation<K> mutate,
                           std::string field) {
    cases.push_back({"RsaKeyExchange " + name,
                     [rsa, mutate](Stub* stub, grpc::ClientContext* context) {
                       v1::RsaKeyExchangeRequest request = ValidExchange(rsa);
                       mutate(&request);
                       v1::RsaKeyExchangeResponse response;
                       return stub->RsaKeyExchange(context, request, &response);
                     },
                     kInvalid, field});
  };
  exchange_only(
      "no PRF hash", [](K* r) { r->clear_prf_hash(); }, "prf_hash");
  exchange_only(
      "unknown PRF hash",
      [](K* r) { r->set_prf_hash(static_cast<v1::PrfHash>(3)); }, "prf_hash");
  exchange_only(
      "negative PRF hash",
      [](K* r) { r->set_prf_hash(static_cast<v1::PrfHash>(-1)); }, "prf_hash");
  exchange_only(
      "long client random",
      [](K* r) { r->set_client_random(std::string(33, 'c')); },
      "client_random");
  exchange_only(
      "no server random", [](K* r) { r->clear_server_random(); },
      "server_random");
  exchange_only(
      "short session hash",
      [](K* r) { r->set_session_hash(std::string(31, 'h')); }, "session_hash");
  exchange_only(
      "SHA-384 session hash for SHA-256",
      [](K* r) { r->set_session_hash(std::string(48, 'h')); }, "session_hash");
  exchange_only(
      "key block of 257", [](K* r) { r->set_key_block_length(257); },
      "key_block_length");
  exchange_only(
      "key block of 2^32-1", [](K* r) { r->set_key_block_length(0xffffffff); },
      "key_block_length");

  auto derive = [&](std::string name,
                    Mutation<v1::DeriveSessionKeysRequest> mutate,
                    std::string field) {
    cases.push_back({"DeriveSessionKeys " + name,
                     [mutate](Stub* stub, grpc::ClientContext* context) {
                       v1::DeriveSessionKeysRequest request = ValidTls13();
                       mutate(&request);
                       v1::DeriveSessionKeysResponse response;
                       return stub->DeriveSessionKeys(context, request,
                                                      &response);
                     },
                     kInvalid, field});
  };
  using D = v1::DeriveSessionKeysRequest;
  derive(
      "no schedule", [](D* r) { r->clear_schedule(); }, "schedule");
  for (uint32_t suite : {0u, 0x1300u, 0x1304u, 0x1305u, 0xc02fu, 0x11301u}) {
    derive(
        absl::StrCat("TLS 1.3 suite ", absl::Hex(suite)),
        [suite](D* r) { r->mutable_tls13()->set_cipher_suite(suite); },
        "tls13.cipher_suite");
  }
  derive(
      "PSK of 257 bytes",
      [](D* r) { r->mutable_tls13()->set_psk(std::string(257, 'k')); },
      "tls13.psk");
  derive(
      "shared secret of 257 bytes",
      [](D* r) {
        r->mutable_tls13()->set_shared_secret(std::string(257, 'k'));
      },
      "tls13.shared_secret");
  derive(
      "no secrets", [](D* r) { r->mutable_tls13()->clear_shared_secret(); },
      "tls13.shared_secret");
  derive(
      "SHA-384 hash for a SHA-256 suite",
      [](D* r) {
        r->mutable_tls13()->set_server_hello_hash(std::string(48, '1'));
      },
      "tls13.server_hello_hash");
  derive(
      "no server finished hash",
      [](D* r) { r->mutable_tls13()->clear_server_finished_hash(); },
      "tls13.server_finished_hash");
  derive(
      "short client finished hash",
      [](D* r) {
        r->mutable_tls13()->set_client_finished_hash(std::string(1, '3'));
      },
      "tls13.client_finished_hash");
  for (uint32_t suite : {0u, 0x0005u, 0x002fu, 0x1301u, 0x1c02fu}) {
    derive(
        absl::StrCat("TLS 1.2 suite ", absl::Hex(suite)),
        [suite](D* r) {
          v1::Tls12KeyBlock* tls12 = r->mutable_tls12();
          tls12->set_cipher_suite(suite);
          tls12->set_master_secret(std::string(48, 'm'));
          tls12->set_client_random(std::string(32, 'c'));
          tls12->set_server_random(std::string(32, 's'));
        },
        "tls12.cipher_suite");
  }
  derive(
      "TLS 1.2 master secret of 47",
      [](D* r) {
        v1::Tls12KeyBlock* tls12 = r->mutable_tls12();
        tls12->set_cipher_suite(0xc02f);
        tls12->set_master_secret(std::string(47, 'm'));
        tls12->set_client_random(std::string(32, 'c'));
        tls12->set_server_random(std::string(32, 's'));
      },
      "tls12.master_secret");

  std::unique_ptr<Stub> stub = server_->KeyService('a');
  for (const HostileCase& c : cases) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    const grpc::Status status = c.call(stub.get(), &context);
    EXPECT_EQ(status.error_code(), c.code)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.field), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  std::printf("hostile input: %zu malformed requests checked\n", cases.size());
  EXPECT_EQ(cases.size(), 113u);
  ExpectHealthy();
}

TEST_F(HostileInputTest, OnlyTheModulusLengthIsAccepted) {
  std::unique_ptr<Stub> stub = server_->KeyService('a');
  int refused = 0, answered = 0;
  for (size_t length = 0; length <= 257; ++length) {
    grpc::ClientContext context;
    v1::DecryptPreMasterRequest request;
    request.mutable_key()->set_key_id(KeyId("rsa-2048"));
    request.set_encrypted_pre_master(std::string(length, '\x01'));
    request.set_client_version(0x0303);
    v1::DecryptPreMasterResponse response;
    const grpc::Status status =
        stub->DecryptPreMaster(&context, request, &response);
    if (length == 256) {
      EXPECT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(response.pre_master_secret().size(), 48u);
      ++answered;
    } else {
      EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << length;
      EXPECT_NE(status.error_message().find("encrypted_pre_master"),
                std::string::npos)
          << length << ": " << status.error_message();
      EXPECT_TRUE(response.pre_master_secret().empty());
      ++refused;
    }
  }
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(refused, 257);
  ExpectHealthy();
}

TEST_F(HostileInputTest, MessagesOverTheLimitAreResourceExhausted) {
  std::unique_ptr<Stub> stub = server_->KeyService('a');
  grpc::ClientContext context;
  v1::SignRequest request = ValidSign(KeyId("ecdsa-p256"));
  request.set_message(std::string(100 * 1024, 'm'));
  v1::SignResponse response;
  EXPECT_EQ(stub->Sign(&context, request, &response).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);

  grpc::ClientContext stream_context;
  auto stream = stub->Pipeline(&stream_context);
  v1::PipelineRequest big;
  *big.mutable_sign() = request;
  stream->Write(big);
  v1::PipelineResponse ignored;
  EXPECT_FALSE(stream->Read(&ignored));
  EXPECT_EQ(stream->Finish().error_code(), StatusCode::RESOURCE_EXHAUSTED);

  // The largest valid request fits.
  grpc::ClientContext largest_context;
  request.set_message(std::string(64 * 1024, 'm'));
  const grpc::Status largest = stub->Sign(&largest_context, request, &response);
  EXPECT_TRUE(largest.ok()) << largest.error_message();
  ExpectHealthy();
}

TEST_F(HostileInputTest, AnExpiredDeadlineIsDeadlineExceeded) {
  std::unique_ptr<Stub> stub = server_->KeyService('a');
  grpc::ClientContext sign_context, decrypt_context;
  sign_context.set_deadline(absl::ToChronoTime(absl::Now() - absl::Seconds(1)));
  decrypt_context.set_deadline(
      absl::ToChronoTime(absl::Now() - absl::Seconds(1)));
  v1::SignResponse signed_response;
  EXPECT_EQ(stub->Sign(&sign_context, ValidSign(KeyId("ecdsa-p256")),
                       &signed_response)
                .error_code(),
            StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(signed_response.signature().empty());
  v1::DecryptPreMasterRequest decrypt;
  decrypt.mutable_key()->set_key_id(KeyId("rsa-2048"));
  decrypt.set_encrypted_pre_master(std::string(256, '\x01'));
  decrypt.set_client_version(0x0303);
  v1::DecryptPreMasterResponse decrypted;
  EXPECT_EQ(stub->DecryptPreMaster(&decrypt_context, decrypt, &decrypted)
                .error_code(),
            StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(decrypted.pre_master_secret().empty());
  ExpectHealthy();
}

}  // namespace
}  // namespace keyward
