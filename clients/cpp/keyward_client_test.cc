// KeywardClient against real servers on port 0 over mutual TLS.
#include "clients/cpp/keyward_client.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward::client {
namespace {

constexpr char kEcdsaHost[] = "ecdsa-p256.dev.keyward.test";

class KeywardClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("client");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
  }

  std::unique_ptr<testing::TestServer> StartServer() {
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore_));
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  std::unique_ptr<KeywardClient> Client(const std::vector<int>& ports) {
    KeywardClientOptions options;
    for (int port : ports) {
      options.endpoints.push_back(absl::StrCat("127.0.0.1:", port));
    }
    options.ca_file = keystore_->ca_cert();
    options.cert_file = keystore_->client_cert('a');
    options.key_file = keystore_->client_key('a');
    options.default_timeout = absl::Seconds(10);
    absl::StatusOr<std::unique_ptr<KeywardClient>> client =
        KeywardClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  static v1::SignRequest CertificateVerify(const std::string& hash) {
    v1::SignRequest request;
    request.mutable_key()->set_server_name(kEcdsaHost);
    request.set_scheme(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
    request.mutable_tls13_certificate_verify()->set_transcript_hash(hash);
    return request;
  }

  // Verified checks `signature` over the CertificateVerify content of
  // `hash` with the ECDSA key's certificate.
  ::testing::AssertionResult Verified(KeywardClient& client,
                                      const std::string& hash,
                                      const std::string& signature) {
    v1::KeySelector selector;
    selector.set_server_name(kEcdsaHost);
    absl::StatusOr<v1::KeyInfo> key = client.GetKey(selector);
    if (!key.ok()) return ::testing::AssertionFailure() << key.status();
    testing::EvpPkeyPtr public_key =
        testing::PublicKeyOfCertificate(key->certificate_chain_der(0));
    std::string content = std::string(64, ' ') +
                          "TLS 1.3, server CertificateVerify" +
                          std::string(1, '\0') + hash;
    return testing::VerifyMessageSignature(
        v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, public_key.get(), content,
        signature);
  }

  static testing::DevKeystore* keystore_;
};

testing::DevKeystore* KeywardClientTest::keystore_ = nullptr;

TEST_F(KeywardClientTest, CallsEveryOperation) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client = Client({server->port()});
  ASSERT_NE(client, nullptr);

  EXPECT_TRUE(client->CheckHealth().ok());
  absl::StatusOr<std::vector<v1::KeyInfo>> keys =
      client->ListKeys(v1::ListKeysRequest());
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 5u);

  std::string hash(32, '\x42');
  absl::StatusOr<v1::SignResponse> signed_sync =
      client->Sign(CertificateVerify(hash));
  ASSERT_TRUE(signed_sync.ok()) << signed_sync.status();
  EXPECT_TRUE(Verified(*client, hash, signed_sync->signature()));

  absl::Notification done;
  absl::StatusOr<v1::SignResponse> signed_async;
  client->SignAsync(CertificateVerify(hash),
                    [&](absl::StatusOr<v1::SignResponse> response) {
                      signed_async = std::move(response);
                      done.Notify();
                    });
  done.WaitForNotification();
  ASSERT_TRUE(signed_async.ok()) << signed_async.status();
  EXPECT_TRUE(Verified(*client, hash, signed_async->signature()));

  v1::DeriveSessionKeysRequest derive;
  derive.mutable_tls12()->set_cipher_suite(0xC02F);
  derive.mutable_tls12()->set_master_secret(std::string(48, 'm'));
  derive.mutable_tls12()->set_client_random(std::string(32, 'c'));
  derive.mutable_tls12()->set_server_random(std::string(32, 's'));
  absl::StatusOr<v1::DeriveSessionKeysResponse> keys12 =
      client->DeriveSessionKeys(derive);
  ASSERT_TRUE(keys12.ok()) << keys12.status();
  EXPECT_EQ(keys12->tls12().client_write_key().size(), 16u);

  absl::StatusOr<v1::ReloadResponse> reload = client->Reload();
  ASSERT_TRUE(reload.ok()) << reload.status();
  EXPECT_EQ(reload->key_count(), 5u);
}

TEST_F(KeywardClientTest, MapsStatusCodesFaithfully) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client = Client({server->port()});
  ASSERT_NE(client, nullptr);
  v1::SignRequest unknown = CertificateVerify(std::string(32, 'h'));
  unknown.mutable_key()->set_server_name("unknown.example");
  EXPECT_EQ(client->Sign(unknown).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client->Sign(CertificateVerify("short")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KeywardClientTest, CachesPublicKeys) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client = Client({server->port()});
  ASSERT_NE(client, nullptr);
  v1::KeySelector selector;
  selector.set_server_name(kEcdsaHost);
  absl::StatusOr<v1::KeyInfo> fetched = client->GetKey(selector);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  server.reset();  // Only the cache can answer now.
  absl::StatusOr<v1::KeyInfo> cached = client->GetKey(selector);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->key_id(), fetched->key_id());
}

TEST_F(KeywardClientTest, PipelinesManyOperationsOnOneStream) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client = Client({server->port()});
  ASSERT_NE(client, nullptr);
  std::unique_ptr<Pipeline> pipeline = client->OpenPipeline();
  constexpr int kRequests = 300;
  std::atomic<int> signed_ok{0};
  std::atomic<int> rejected{0};
  for (int i = 0; i < kRequests; ++i) {
    v1::PipelineRequest request;
    // Every third request carries a transcript hash of a wrong length.
    *request.mutable_sign() =
        CertificateVerify(std::string(i % 3 == 0 ? 31 : 32, 'p'));
    pipeline->Submit(request, [&, i](absl::StatusOr<v1::PipelineResponse> r) {
      if (i % 3 == 0) {
        if (absl::IsInvalidArgument(r.status())) ++rejected;
      } else if (r.ok() && r->has_sign() && !r->sign().signature().empty()) {
        ++signed_ok;
      }
    });
  }
  EXPECT_TRUE(pipeline->Finish().ok());
  EXPECT_EQ(signed_ok.load(), kRequests - kRequests / 3);
  EXPECT_EQ(rejected.load(), kRequests / 3);
}

// Three replicas; one is stopped (as SIGTERM stops it: calls in flight may
// finish) while four threads keep signing. Retries and health-checked
// round-robin must hide it: every operation succeeds.
TEST_F(KeywardClientTest, LosingAReplicaFailsNoOperation) {
  std::vector<std::unique_ptr<testing::TestServer>> replicas;
  std::vector<int> ports;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(StartServer());
    ASSERT_NE(replicas.back(), nullptr);
    ports.push_back(replicas.back()->port());
  }
  std::unique_ptr<KeywardClient> client = Client(ports);
  ASSERT_NE(client, nullptr);
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 100;
  std::atomic<int> completed{0};
  std::atomic<int> failed{0};
  absl::Notification a_third_done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        absl::StatusOr<v1::SignResponse> response =
            client->Sign(CertificateVerify(std::string(32, 'r')));
        if (!response.ok()) {
          ++failed;
          ADD_FAILURE() << response.status();
        }
        if (++completed == kThreads * kCallsPerThread / 3) {
          a_third_done.Notify();
        }
      }
    });
  }
  a_third_done.WaitForNotification();
  replicas[1]->Shutdown(absl::Seconds(5));
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(completed.load(), kThreads * kCallsPerThread);
}

}  // namespace
}  // namespace keyward::client
