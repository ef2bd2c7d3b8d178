// KeyService.Pipeline through the generated stub: a thousand mixed
// requests with invalid ones among them, the per-stream limit on
// outstanding requests, and cancellation.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keystore/keystore_holder.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/admission.h"
#include "service/audit_log.h"
#include "service/key_service.h"
#include "service/keystore_reloader.h"
#include "service/metrics.h"
#include "service/operation_monitor.h"
#include "service/server.h"
#include "service/server_config.h"
#include "service/work_pool.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using Stream =
    grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>;

const std::string kServerParams =
    std::string("\x03\x00\x17\x41\x04", 5) + std::string(64, '\x33');

// Expected is what the answer to one request must be.
struct Expected {
  grpc::StatusCode code;
  v1::PipelineResponse::ResultCase result;
  std::string pre_master;  // For valid DecryptPreMaster requests.
};

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("pipeline");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    grpc::ClientContext context;
    grpc::Status status = server_->KeyService('a')->ListKeys(
        &context, v1::ListKeysRequest(), &keys_);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete keystore_;
  }

  static const v1::KeyInfo& Key(const std::string& name) {
    for (const v1::KeyInfo& key : keys_.keys()) {
      if (key.name() == name) return key;
    }
    ADD_FAILURE() << "no key " << name;
    return keys_.keys(0);
  }

  void CheckThousandMixedRequests(int batch);

  static testing::DevKeystore* keystore_;
  static testing::TestServer* server_;
  static v1::ListKeysResponse keys_;
};

testing::DevKeystore* PipelineTest::keystore_ = nullptr;
testing::TestServer* PipelineTest::server_ = nullptr;
v1::ListKeysResponse PipelineTest::keys_;

// MakeRequest builds request number `i` of a mixed workload and records
// what its answer must be.
v1::PipelineRequest MakeRequest(int i, const v1::KeyInfo& p256,
                                const v1::KeyInfo& ed25519,
                                const v1::KeyInfo& rsa, EVP_PKEY* rsa_public,
                                Expected* expected) {
  v1::PipelineRequest request;
  request.set_request_id(1000003ull * i + 17);
  *expected = {grpc::StatusCode::OK, v1::PipelineResponse::RESULT_NOT_SET, ""};
  switch (i % 10) {
    case 0: {  // ECDSA TLS 1.3 CertificateVerify.
      v1::SignRequest* sign = request.mutable_sign();
      sign->mutable_key()->set_key_id(p256.key_id());
      sign->set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
      sign->mutable_tls13_certificate_verify()->set_transcript_hash(
          std::string(32, static_cast<char>(i)));
      expected->result = v1::PipelineResponse::kSign;
      break;
    }
    case 1: {  // Ed25519 over a raw message.
      v1::SignRequest* sign = request.mutable_sign();
      sign->mutable_key()->set_server_name("ed25519.dev.keyward.test");
      sign->set_scheme(v1::SIGNATURE_SCHEME_ED25519);
      sign->set_message(absl::StrCat("message ", i));
      expected->result = v1::PipelineResponse::kSign;
      break;
    }
    case 2: {  // RSA pre-master decryption.
      v1::DecryptPreMasterRequest* decrypt =
          request.mutable_decrypt_pre_master();
      decrypt->mutable_key()->set_key_id(rsa.key_id());
      expected->pre_master =
          testing::PreMaster(0x0303, static_cast<char>('a' + i % 26));
      decrypt->set_encrypted_pre_master(
          testing::EncryptPkcs1(rsa_public, expected->pre_master));
      decrypt->set_client_version(0x0303);
      expected->result = v1::PipelineResponse::kDecryptPreMaster;
      break;
    }
    case 3: {  // TLS 1.2 key block.
      v1::Tls12KeyBlock* tls12 =
          request.mutable_derive_session_keys()->mutable_tls12();
      tls12->set_cipher_suite(0xC02F);
      tls12->set_master_secret(std::string(48, static_cast<char>(i)));
      tls12->set_client_random(std::string(32, 'c'));
      tls12->set_server_random(std::string(32, 's'));
      expected->result = v1::PipelineResponse::kDeriveSessionKeys;
      break;
    }
    case 4: {  // Describe a key.
      request.mutable_get_key()->mutable_key()->set_certificate_sha256(
          p256.certificate_sha256());
      expected->result = v1::PipelineResponse::kGetKey;
      break;
    }
    case 5: {  // ECDHE ServerKeyExchange signed with RSA-PSS.
      v1::SignRequest* sign = request.mutable_sign();
      sign->mutable_key()->set_key_id(rsa.key_id());
      sign->set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
      auto* ske = sign->mutable_tls12_server_key_exchange();
      ske->set_client_random(std::string(32, 'c'));
      ske->set_server_random(std::string(32, 's'));
      ske->set_server_params(kServerParams);
      expected->result = v1::PipelineResponse::kSign;
      break;
    }
    case 6: {  // Invalid: a digest of the wrong length.
      v1::SignRequest* sign = request.mutable_sign();
      sign->mutable_key()->set_key_id(p256.key_id());
      sign->set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
      sign->set_digest(std::string(31, 'd'));
      expected->code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    }
    case 7: {  // Unknown key.
      request.mutable_get_key()->mutable_key()->set_key_id(
          std::string(64, 'f'));
      expected->code = grpc::StatusCode::NOT_FOUND;
      break;
    }
    case 8: {  // No operation at all.
      expected->code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    }
    case 9: {  // A scheme the key cannot do.
      v1::SignRequest* sign = request.mutable_sign();
      sign->mutable_key()->set_key_id(ed25519.key_id());
      sign->set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384);
      sign->set_message("m");
      expected->code = grpc::StatusCode::FAILED_PRECONDITION;
      break;
    }
  }
  return request;
}

// Sends a thousand mixed requests on one stream, `batch` per message (1: no
// batches), and checks every answer: exact bytes, signatures verified
// independently, statuses counted. Batched responses count as the
// responses they carry.
void PipelineTest::CheckThousandMixedRequests(int batch) {
  constexpr int kRequests = 1000;
  const v1::KeyInfo& p256 = Key("ecdsa-p256");
  const v1::KeyInfo& ed25519 = Key("ed25519");
  const v1::KeyInfo& rsa = Key("rsa-2048");
  testing::EvpPkeyPtr rsa_public =
      testing::PublicKeyOfCertificate(rsa.certificate_chain_der(0));
  std::vector<v1::PipelineRequest> requests;
  std::map<uint64_t, Expected> expected;
  std::map<uint64_t, const v1::PipelineRequest*> by_id;
  for (int i = 0; i < kRequests; ++i) {
    Expected want;
    requests.push_back(
        MakeRequest(i, p256, ed25519, rsa, rsa_public.get(), &want));
    expected[requests.back().request_id()] = want;
  }
  for (const v1::PipelineRequest& request : requests) {
    by_id[request.request_id()] = &request;
  }

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  std::unique_ptr<v1::KeyService::Stub> stub = server_->KeyService('a');
  std::unique_ptr<Stream> stream = stub->Pipeline(&context);
  std::thread writer([&] {
    for (size_t i = 0; i < requests.size(); i += batch) {
      v1::PipelineRequest message;
      if (batch == 1) {
        message = requests[i];
      } else {
        for (size_t j = i; j < std::min(requests.size(), i + batch); ++j) {
          *message.add_batch() = requests[j];
        }
      }
      ASSERT_TRUE(stream->Write(message));
    }
    ASSERT_TRUE(stream->WritesDone());
  });
  std::map<uint64_t, v1::PipelineResponse> answers;
  int out_of_order = 0;
  int messages = 0;
  uint64_t previous_index = 0;
  v1::PipelineResponse message;
  while (stream->Read(&message)) {
    ++messages;
    if (batch == 1) {
      EXPECT_EQ(message.batch_size(), 0);
    }
    std::vector<v1::PipelineResponse> carried;
    if (message.batch().empty()) {
      carried.push_back(message);
    } else {
      EXPECT_EQ(message.request_id(), 0u);
      EXPECT_FALSE(message.has_status());
      EXPECT_EQ(message.result_case(), v1::PipelineResponse::RESULT_NOT_SET);
      carried.assign(message.batch().begin(), message.batch().end());
    }
    for (const v1::PipelineResponse& response : carried) {
      EXPECT_TRUE(answers.emplace(response.request_id(), response).second)
          << "answered twice: " << response.request_id();
      const uint64_t index = (response.request_id() - 17) / 1000003ull;
      out_of_order += index < previous_index;
      previous_index = index;
    }
  }
  writer.join();
  const grpc::Status finished = stream->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  ASSERT_EQ(answers.size(), expected.size());

  std::map<grpc::StatusCode, int> codes;
  int verified = 0;
  testing::EvpPkeyPtr p256_public =
      testing::PublicKeyOfCertificate(p256.certificate_chain_der(0));
  testing::EvpPkeyPtr ed25519_public =
      testing::PublicKeyOfCertificate(ed25519.certificate_chain_der(0));
  for (const auto& [id, want] : expected) {
    ASSERT_EQ(answers.count(id), 1u) << id;
    const v1::PipelineResponse& got = answers[id];
    const v1::PipelineRequest& request = *by_id[id];
    EXPECT_EQ(got.status().code(), static_cast<int>(want.code))
        << id << ": " << got.status().message();
    EXPECT_EQ(got.result_case(), want.result) << id;
    if (want.code != grpc::StatusCode::OK) {
      EXPECT_FALSE(got.status().message().empty());
    }
    ++codes[want.code];
    if (got.has_decrypt_pre_master()) {
      EXPECT_EQ(got.decrypt_pre_master().pre_master_secret(), want.pre_master);
      ++verified;
    }
    if (got.has_sign() && request.sign().has_message()) {
      EXPECT_TRUE(testing::VerifyMessageSignature(
          v1::SIGNATURE_SCHEME_ED25519, ed25519_public.get(),
          request.sign().message(), got.sign().signature()));
      ++verified;
    }
    if (got.has_sign() && request.sign().has_tls12_server_key_exchange()) {
      const v1::Tls12ServerKeyExchange& ske =
          request.sign().tls12_server_key_exchange();
      EXPECT_TRUE(testing::VerifyMessageSignature(
          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, rsa_public.get(),
          ske.client_random() + ske.server_random() + ske.server_params(),
          got.sign().signature()));
      ++verified;
    }
    if (got.has_sign() && request.sign().has_tls13_certificate_verify()) {
      EXPECT_TRUE(testing::VerifyMessageSignature(
          v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, p256_public.get(),
          std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
              std::string(1, '\0') +
              request.sign().tls13_certificate_verify().transcript_hash(),
          got.sign().signature()));
      ++verified;
    }
  }
  EXPECT_EQ(codes[grpc::StatusCode::OK], 600);
  EXPECT_EQ(codes[grpc::StatusCode::INVALID_ARGUMENT], 200);
  EXPECT_EQ(codes[grpc::StatusCode::NOT_FOUND], 100);
  EXPECT_EQ(codes[grpc::StatusCode::FAILED_PRECONDITION], 100);
  EXPECT_EQ(verified, 400);
  // Not asserted (they depend on scheduling), but worth seeing.
  std::printf(
      "pipeline, %d per message: %d of %d responses arrived out of order, "
      "in %d messages\n",
      batch, out_of_order, kRequests, messages);
}

TEST_F(PipelineTest, AnswersAThousandMixedRequestsEachInItsOwnResponse) {
  CheckThousandMixedRequests(1);
}

TEST_F(PipelineTest, AnswersAThousandMixedRequestsSentInBatches) {
  CheckThousandMixedRequests(37);
}

TEST_F(PipelineTest, RefusesAnEnvelopeWithAnOperationAndNestedBatches) {
  const v1::KeyInfo& p256 = Key("ecdsa-p256");
  v1::PipelineRequest envelope;
  envelope.set_request_id(1);
  envelope.mutable_get_key()->mutable_key()->set_key_id(p256.key_id());
  v1::PipelineRequest* good = envelope.add_batch();
  good->set_request_id(2);
  good->mutable_get_key()->mutable_key()->set_key_id(p256.key_id());
  v1::PipelineRequest* nested = envelope.add_batch();
  nested->set_request_id(3);
  *nested->add_batch() = *good;

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  std::unique_ptr<v1::KeyService::Stub> stub = server_->KeyService('a');
  std::unique_ptr<Stream> stream = stub->Pipeline(&context);
  ASSERT_TRUE(stream->Write(envelope));
  ASSERT_TRUE(stream->WritesDone());
  std::map<uint64_t, v1::PipelineResponse> answers;
  v1::PipelineResponse message;
  while (stream->Read(&message)) {
    if (message.batch().empty()) {
      answers[message.request_id()] = message;
    }
    for (const v1::PipelineResponse& response : message.batch()) {
      answers[response.request_id()] = response;
    }
  }
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[1].status().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(answers[1].status().message().find("no operation of its own"),
            std::string::npos)
      << answers[1].status().message();
  EXPECT_FALSE(answers[1].has_get_key());
  EXPECT_EQ(answers[2].status().code(), grpc::StatusCode::OK);
  EXPECT_EQ(answers[2].get_key().key().key_id(), p256.key_id());
  EXPECT_EQ(answers[3].status().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(answers[3].status().message().find("no batch of its own"),
            std::string::npos)
      << answers[3].status().message();
}

TEST_F(PipelineTest, AnswersMatchTheUnaryCalls) {
  const v1::KeyInfo& rsa = Key("rsa-2048");
  testing::EvpPkeyPtr rsa_public =
      testing::PublicKeyOfCertificate(rsa.certificate_chain_der(0));
  v1::PipelineRequest decrypt;
  decrypt.set_request_id(1);
  decrypt.mutable_decrypt_pre_master()->mutable_key()->set_key_id(rsa.key_id());
  // A badly padded ciphertext: its synthetic pre-master must not depend on
  // the path it took.
  decrypt.mutable_decrypt_pre_master()->set_encrypted_pre_master(
      testing::EncryptRaw(rsa_public.get(),
                          testing::EncodedMessage(
                              testing::ModulusLength(rsa_public.get()),
                              testing::PreMaster(0x0303, 'z'), 0x00, 0x01)));
  decrypt.mutable_decrypt_pre_master()->set_client_version(0x0303);
  v1::PipelineRequest invalid;
  invalid.set_request_id(2);
  invalid.mutable_sign()->mutable_key()->set_server_name("bad host");
  invalid.mutable_sign()->set_scheme(v1::SIGNATURE_SCHEME_ED25519);
  invalid.mutable_sign()->set_message("m");

  grpc::ClientContext context;
  std::unique_ptr<v1::KeyService::Stub> stub = server_->KeyService('a');
  std::unique_ptr<Stream> stream = stub->Pipeline(&context);
  ASSERT_TRUE(stream->Write(decrypt));
  ASSERT_TRUE(stream->Write(invalid));
  ASSERT_TRUE(stream->WritesDone());
  std::map<uint64_t, v1::PipelineResponse> answers;
  v1::PipelineResponse response;
  while (stream->Read(&response)) answers[response.request_id()] = response;
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(answers.size(), 2u);

  grpc::ClientContext unary_decrypt_context, unary_sign_context;
  v1::DecryptPreMasterResponse unary_decrypt;
  ASSERT_TRUE(stub->DecryptPreMaster(&unary_decrypt_context,
                                     decrypt.decrypt_pre_master(),
                                     &unary_decrypt)
                  .ok());
  EXPECT_EQ(answers[1].decrypt_pre_master().pre_master_secret(),
            unary_decrypt.pre_master_secret());
  v1::SignResponse unary_sign;
  const grpc::Status unary_status =
      stub->Sign(&unary_sign_context, invalid.sign(), &unary_sign);
  EXPECT_EQ(answers[2].status().code(),
            static_cast<int>(unary_status.error_code()));
  EXPECT_EQ(answers[2].status().message(), unary_status.error_message());
  EXPECT_EQ(unary_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A server whose KeyService runs on a one-thread pool the test can block,
// with at most four outstanding requests per stream.
class PipelineLimitTest : public ::testing::Test {
 protected:
  static constexpr size_t kMaxOutstanding = 4;

  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore(absl::StrCat(
            "pipeline-limit-",
            ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    absl::StatusOr<std::unique_ptr<keystore::KeystoreHolder>> holder =
        keystore::KeystoreHolder::Create(
            service::DirectoryLoader(keystore_.dir));
    ASSERT_TRUE(holder.ok()) << holder.status();
    holder_ = *std::move(holder);
    const config::ServerConfig config = testing::TestServerConfig(keystore_);
    // Nothing runs inline: every admitted request waits for the one pool
    // thread, which BlockPool can hold.
    pool_ = std::make_unique<service::WorkPool>(1, 0);
    absl::StatusOr<std::unique_ptr<service::AuditLog>> audit =
        service::AuditLog::Open(config.audit());
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_ = *std::move(audit);
    absl::StatusOr<std::unique_ptr<service::Metrics>> metrics =
        service::Metrics::Start(config::MetricsConfig());
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_ = *std::move(metrics);
    admission_ = std::make_unique<service::AdmissionControl>(
        service::LimitsWithDefaults(config.limits()));
    monitor_ = std::make_unique<service::OperationMonitor>(
        admission_.get(), audit_.get(), metrics_.get());
    key_service_ = std::make_unique<service::KeyService>(
        holder_.get(), pool_.get(), monitor_.get(),
        service::KeyServiceOptions{kMaxOutstanding});
    absl::StatusOr<std::unique_ptr<service::KeywardServer>> server =
        service::KeywardServer::Start(config, {key_service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::KeyService::NewStub(
        testing::EdgeChannel(keystore_, server_->port(), 'a'));
  }

  void TearDown() override {
    // In case a test failed while the pool was blocked.
    if (!release_.HasBeenNotified()) release_.Notify();
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(10));
    server_.reset();
    key_service_.reset();
    pool_.reset();
    monitor_.reset();
  }

  // BlockPool occupies the pool's only thread until release_ is notified.
  void BlockPool() {
    pool_->Schedule([this] { release_.WaitForNotification(); });
  }

  static v1::PipelineRequest GetKey(uint64_t id) {
    v1::PipelineRequest request;
    request.set_request_id(id);
    request.mutable_get_key()->mutable_key()->set_server_name(
        "ecdsa-p256.dev.keyward.test");
    return request;
  }

  testing::DevKeystore keystore_;
  std::unique_ptr<keystore::KeystoreHolder> holder_;
  std::unique_ptr<service::AuditLog> audit_;
  std::unique_ptr<service::Metrics> metrics_;
  std::unique_ptr<service::AdmissionControl> admission_;
  std::unique_ptr<service::OperationMonitor> monitor_;
  std::unique_ptr<service::WorkPool> pool_;
  std::unique_ptr<service::KeyService> key_service_;
  std::unique_ptr<service::KeywardServer> server_;
  std::unique_ptr<v1::KeyService::Stub> stub_;
  absl::Notification release_;
};

TEST_F(PipelineLimitTest, RequestsBeyondTheLimitGetResourceExhausted) {
  BlockPool();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  std::unique_ptr<Stream> stream = stub_->Pipeline(&context);
  constexpr uint64_t kSent = 10;
  for (uint64_t id = 0; id < kSent; ++id)
    ASSERT_TRUE(stream->Write(GetKey(id)));
  // The first four wait for the blocked pool; the other six are refused at
  // once, in order, each in its own response.
  v1::PipelineResponse response;
  for (uint64_t id = kMaxOutstanding; id < kSent; ++id) {
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.request_id(), id);
    EXPECT_EQ(response.status().code(),
              static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
    EXPECT_EQ(response.result_case(), v1::PipelineResponse::RESULT_NOT_SET);
  }
  release_.Notify();
  std::vector<uint64_t> served;
  for (size_t i = 0; i < kMaxOutstanding; ++i) {
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.status().code(), 0) << response.status().message();
    EXPECT_TRUE(response.has_get_key());
    served.push_back(response.request_id());
  }
  EXPECT_EQ(served, (std::vector<uint64_t>{0, 1, 2, 3}));  // One thread: FIFO.
  // The stream is still open: one more request is served normally.
  ASSERT_TRUE(stream->Write(GetKey(99)));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.request_id(), 99u);
  EXPECT_EQ(response.status().code(), 0);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(PipelineLimitTest, ABatchBeyondTheEntryLimitEndsTheStream) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  std::unique_ptr<Stream> stream = stub_->Pipeline(&context);
  // The limit key_service.proto documents.
  constexpr int kMaxBatchEntries = 4096;
  v1::PipelineRequest envelope;
  for (int i = 0; i <= kMaxBatchEntries; ++i) {
    envelope.add_batch()->set_request_id(i + 1);
  }
  ASSERT_TRUE(stream->Write(envelope));
  v1::PipelineResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("at most 4096 entries"),
            std::string::npos)
      << status.error_message();
}

TEST_F(PipelineLimitTest, CancellationEndsTheStreamAndDropsItsWork) {
  BlockPool();
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream = stub_->Pipeline(&context);
  for (uint64_t id = 0; id < 3; ++id) ASSERT_TRUE(stream->Write(GetKey(id)));
  context.TryCancel();
  v1::PipelineResponse response;
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The queued operations now run, see the cancellation, and are dropped;
  // the server keeps serving new streams.
  release_.Notify();
  grpc::ClientContext next_context;
  std::unique_ptr<Stream> next = stub_->Pipeline(&next_context);
  ASSERT_TRUE(next->Write(GetKey(7)));
  ASSERT_TRUE(next->Read(&response));
  EXPECT_EQ(response.request_id(), 7u);
  EXPECT_EQ(response.status().code(), 0);
  ASSERT_TRUE(next->WritesDone());
  EXPECT_TRUE(next->Finish().ok());
}

}  // namespace
}  // namespace keyward
