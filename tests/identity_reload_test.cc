// A reload that adds and removes an identity takes effect without dropping
// a connection: edge/b keeps ONE channel and ONE Pipeline stream open while
// AdminService.Reload (by edge/a) grants it rsa-2048 and takes it back, and
// every request on them is decided by the keystore serving at that moment.
// The channel stays READY throughout, the stream ends with OK, and the audit
// log shows a single peer address (one connection) for all of edge/b's
// operations.
#include <cstdint>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/server_config.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using Stream =
    grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>;

const std::string kTranscriptHash(32, 't');

class IdentityReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore(absl::StrCat(
            "identity-reload-",
            ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    config_ = testing::TestServerConfig(keystore_);
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    std::ifstream in(keystore_.dir + "/manifest.textproto");
    std::stringstream manifest;
    manifest << in.rdbuf();
    original_manifest_ = manifest.str();

    grpc::ClientContext context;
    v1::GetKeyRequest request;
    request.mutable_key()->set_server_name("rsa-2048.dev.keyward.test");
    v1::GetKeyResponse response;
    const grpc::Status status =
        server_->KeyService('a')->GetKey(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    rsa_key_id_ = response.key().key_id();
    rsa_public_ = testing::PublicKeyOfCertificate(
        response.key().certificate_chain_der(0));
    ASSERT_NE(rsa_public_, nullptr);

    // edge/b's one channel and one stream, open for the whole test.
    channel_ = server_->Channel('b');
    stub_ = v1::KeyService::NewStub(channel_);
    stream_context_.set_deadline(
        absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    stream_ = stub_->Pipeline(&stream_context_);
    ASSERT_TRUE(channel_->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(30))));
  }

  void TearDown() override {
    if (stream_ == nullptr) return;  // SetUp failed.
    // Still READY, and the stream was never broken: it ends cleanly.
    ExpectReady("before WritesDone");
    EXPECT_TRUE(stream_->WritesDone());
    v1::PipelineResponse extra;
    EXPECT_FALSE(stream_->Read(&extra));
    const grpc::Status finished = stream_->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
    ExpectReady("after the stream");
    ExpectOneConnectionForEdgeB();
  }

  void ExpectReady(absl::string_view when) {
    if (channel_ == nullptr) return;
    EXPECT_EQ(channel_->GetState(/*try_to_connect=*/false), GRPC_CHANNEL_READY)
        << when;
  }

  // ExpectOneConnectionForEdgeB reads the audit log: every operation of
  // edge/b came from the same peer address, i.e. over one connection.
  void ExpectOneConnectionForEdgeB() {
    std::ifstream in(config_.audit().path());
    std::set<std::string> peers;
    int operations = 0;
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json record = nlohmann::json::parse(line);
      if (record.at("identity") != testing::kEdgeB) continue;
      peers.insert(record.at("peer").get<std::string>());
      ++operations;
    }
    EXPECT_EQ(operations, edge_b_operations_);
    EXPECT_EQ(peers.size(), 1u);
  }

  v1::SignRequest SignRsa2048() const {
    v1::SignRequest request;
    request.mutable_key()->set_key_id(rsa_key_id_);
    request.set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
    request.mutable_tls13_certificate_verify()->set_transcript_hash(
        kTranscriptHash);
    return request;
  }

  // SignOnStream sends one rsa-2048 Sign on the stream and returns the
  // request's status; on OK the signature must verify.
  grpc::Status SignOnStream() {
    v1::PipelineRequest request;
    request.set_request_id(++request_id_);
    *request.mutable_sign() = SignRsa2048();
    v1::PipelineResponse response;
    ++edge_b_operations_;
    if (!stream_->Write(request) || !stream_->Read(&response)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the stream broke");
    }
    EXPECT_EQ(response.request_id(), request_id_);
    const grpc::Status status(
        static_cast<grpc::StatusCode>(response.status().code()),
        response.status().message());
    if (status.ok()) ExpectVerifies(response.sign());
    return status;
  }

  // SignUnary does the same as a unary call on edge/b's channel.
  grpc::Status SignUnary() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::SignResponse response;
    ++edge_b_operations_;
    const grpc::Status status = stub_->Sign(&context, SignRsa2048(), &response);
    if (status.ok()) ExpectVerifies(response);
    return status;
  }

  void ExpectVerifies(const v1::SignResponse& response) {
    EXPECT_EQ(response.key_id(), rsa_key_id_);
    EXPECT_TRUE(testing::VerifyMessageSignature(
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, rsa_public_.get(),
        std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
            std::string(1, '\0') + kTranscriptHash,
        response.signature()));
  }

  // ExpectEdgeBSigns checks that edge/b may (or may not) sign with rsa-2048,
  // on the stream and on the channel, the channel READY around it. Refusals
  // are the NOT_FOUND of the first refusal, to the letter.
  void ExpectEdgeBSigns(bool allowed, absl::string_view step) {
    SCOPED_TRACE(step);
    ExpectReady("before signing");
    for (const grpc::Status& status : {SignOnStream(), SignUnary()}) {
      if (allowed) {
        EXPECT_TRUE(status.ok()) << status.error_message();
        continue;
      }
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
          << status.error_message();
      if (not_found_message_.empty()) {
        not_found_message_ = status.error_message();
      }
      EXPECT_EQ(status.error_message(), not_found_message_);
    }
    ExpectReady("after signing");
  }

  // GrantRsa2048 returns the original manifest with one more rule on
  // rsa-2048: `identity` may sign structured inputs.
  std::string GrantRsa2048(const std::string& identity) const {
    const std::string name = "  name: \"rsa-2048\"\n";
    const std::string granted = absl::StrReplaceAll(
        original_manifest_,
        {{name, absl::StrCat(name, "  allow {\n    identity: \"", identity,
                             "\"\n    operations: "
                             "[OPERATION_SIGN_STRUCTURED]\n  }\n")}});
    EXPECT_NE(granted, original_manifest_);
    return granted;
  }

  // ReloadWith writes `manifest` and has edge/a reload it, which must
  // succeed as load number `generation`.
  void ReloadWith(const std::string& manifest, uint64_t generation) {
    std::ofstream(keystore_.dir + "/manifest.textproto") << manifest;
    ExpectReady("before the reload");
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::ReloadResponse response;
    const grpc::Status status =
        server_->Admin('a')->Reload(&context, v1::ReloadRequest(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.generation(), generation);
    EXPECT_EQ(response.key_count(), 5u);
    ExpectReady("after the reload");
  }

  testing::DevKeystore keystore_;
  config::ServerConfig config_;
  std::unique_ptr<testing::TestServer> server_;
  std::string original_manifest_;
  std::string rsa_key_id_;
  testing::EvpPkeyPtr rsa_public_{nullptr, EVP_PKEY_free};

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::KeyService::Stub> stub_;
  grpc::ClientContext stream_context_;
  std::unique_ptr<Stream> stream_;
  uint64_t request_id_ = 0;
  int edge_b_operations_ = 0;
  std::string not_found_message_;
};

TEST_F(IdentityReloadTest, AGrantAddedAndRemovedAppliesToTheOpenStream) {
  ExpectEdgeBSigns(false, "dev manifest");
  ReloadWith(GrantRsa2048(testing::kEdgeB), 2);
  ExpectEdgeBSigns(true, "edge/b granted");
  ReloadWith(original_manifest_, 3);
  ExpectEdgeBSigns(false, "grant removed");
}

TEST_F(IdentityReloadTest, AWildcardGrantAddedByReloadCoversEdgeB) {
  ExpectEdgeBSigns(false, "dev manifest");
  // A pattern's "*" stands for a non-empty rest: neither of these is edge/b.
  ReloadWith(GrantRsa2048("spiffe://keyward.dev/edge/b*"), 2);
  ExpectEdgeBSigns(false, "edge/b* granted");
  ReloadWith(GrantRsa2048("spiffe://keyward.dev/edge/b/*"), 3);
  ExpectEdgeBSigns(false, "edge/b/* granted");
  ReloadWith(GrantRsa2048("spiffe://keyward.dev/edge/*"), 4);
  ExpectEdgeBSigns(true, "edge/* granted");
  ReloadWith(original_manifest_, 5);
  ExpectEdgeBSigns(false, "wildcard removed");
}

}  // namespace
}  // namespace keyward
