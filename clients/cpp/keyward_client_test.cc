// KeywardClient against real servers on port 0 over mutual TLS.
#include "clients/cpp/keyward_client.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/pem_chain.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward::client {
namespace {

// Event is a one-shot notification on std::mutex, whose ordering
// ThreadSanitizer sees (Debian's Abseil is not instrumented, so TSan cannot
// see the ordering an absl::Notification provides).
class Event {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
    cv_.notify_all();
  }
  void WaitForNotification() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return notified_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;
};

constexpr char kEcdsaHost[] = "ecdsa-p256.dev.keyward.test";
constexpr char kRsaHost[] = "rsa-2048.dev.keyward.test";

using ::google::protobuf::util::MessageDifferencer;

// Await starts an asynchronous call by passing `start` a callback, waits
// for the callback and returns what it received.
template <typename Result, typename Start>
Result Await(Start start) {
  Event done;
  std::optional<Result> result;
  start([&](Result received) {
    result = std::move(received);
    done.Notify();
  });
  done.WaitForNotification();
  return *std::move(result);
}

v1::KeySelector Host(const std::string& host) {
  v1::KeySelector selector;
  selector.set_server_name(host);
  return selector;
}

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

  // Client connects to `ports` as edge `edge`; `key_cache_ttl` zero turns
  // the key cache off.
  std::unique_ptr<KeywardClient> Client(
      const std::vector<int>& ports, char edge = 'a',
      absl::Duration key_cache_ttl = absl::Minutes(5)) {
    KeywardClientOptions options;
    for (int port : ports) {
      options.endpoints.push_back(absl::StrCat("127.0.0.1:", port));
    }
    options.ca_file = keystore_->ca_cert();
    options.cert_file = keystore_->client_cert(edge);
    options.key_file = keystore_->client_key(edge);
    options.default_timeout = absl::Seconds(10);
    options.key_cache_ttl = key_cache_ttl;
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

  Event done;
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

// Every asynchronous form answers exactly what its synchronous form (or an
// independent computation) answers. The key cache is off so that GetKey
// and GetKeyAsync both ask the server.
TEST_F(KeywardClientTest, AsyncCallsAnswerAsTheSyncOnes) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client =
      Client({server->port()}, 'a', absl::ZeroDuration());
  ASSERT_NE(client, nullptr);

  EXPECT_TRUE(Await<absl::Status>([&](StatusCallback done) {
                client->CheckHealthAsync(std::move(done));
              }).ok());

  absl::StatusOr<std::vector<v1::KeyInfo>> keys =
      client->ListKeys(v1::ListKeysRequest());
  ASSERT_TRUE(keys.ok()) << keys.status();
  auto keys_async = Await<absl::StatusOr<std::vector<v1::KeyInfo>>>(
      [&](Callback<std::vector<v1::KeyInfo>> done) {
        client->ListKeysAsync(v1::ListKeysRequest(), std::move(done));
      });
  ASSERT_TRUE(keys_async.ok()) << keys_async.status();
  ASSERT_EQ(keys_async->size(), 5u);
  ASSERT_EQ(keys_async->size(), keys->size());
  for (size_t i = 0; i < keys->size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals((*keys_async)[i], (*keys)[i]))
        << (*keys_async)[i].name();
  }
  v1::ListKeysRequest one_host;
  one_host.set_server_name("rsa-3072.dev.keyward.test");
  auto filtered = Await<absl::StatusOr<std::vector<v1::KeyInfo>>>(
      [&](Callback<std::vector<v1::KeyInfo>> done) {
        client->ListKeysAsync(one_host, std::move(done));
      });
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].name(), "rsa-3072");

  absl::StatusOr<v1::KeyInfo> rsa = client->GetKey(Host(kRsaHost));
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  auto rsa_async =
      Await<absl::StatusOr<v1::KeyInfo>>([&](Callback<v1::KeyInfo> done) {
        client->GetKeyAsync(Host(kRsaHost), std::move(done));
      });
  ASSERT_TRUE(rsa_async.ok()) << rsa_async.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*rsa_async, *rsa));
  EXPECT_EQ(rsa_async->name(), "rsa-2048");
  std::vector<std::string> chain(rsa_async->certificate_chain_der().begin(),
                                 rsa_async->certificate_chain_der().end());
  EXPECT_EQ(chain,
            testing::ReadPemChainDer(keystore_->dir + "/keys/rsa-2048.crt"));
  EXPECT_EQ(Await<absl::StatusOr<v1::KeyInfo>>([&](Callback<v1::KeyInfo> done) {
              client->GetKeyAsync(Host("unknown.example"), std::move(done));
            })
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // RSA key exchange: a pre-master encrypted with the certificate's key.
  testing::EvpPkeyPtr rsa_public =
      testing::PublicKeyOfCertificate(rsa_async->certificate_chain_der(0));
  ASSERT_NE(rsa_public, nullptr);
  const std::string pre_master = testing::PreMaster(0x0303, 'q');
  v1::DecryptPreMasterRequest decrypt;
  *decrypt.mutable_key() = Host(kRsaHost);
  decrypt.set_encrypted_pre_master(
      testing::EncryptPkcs1(rsa_public.get(), pre_master));
  decrypt.set_client_version(0x0303);
  auto decrypted = Await<absl::StatusOr<v1::DecryptPreMasterResponse>>(
      [&](Callback<v1::DecryptPreMasterResponse> done) {
        client->DecryptPreMasterAsync(decrypt, std::move(done));
      });
  ASSERT_TRUE(decrypted.ok()) << decrypted.status();
  EXPECT_EQ(decrypted->pre_master_secret(), pre_master);

  v1::RsaKeyExchangeRequest exchange;
  *exchange.mutable_key() = Host(kRsaHost);
  exchange.set_encrypted_pre_master(decrypt.encrypted_pre_master());
  exchange.set_client_version(0x0303);
  exchange.set_client_random(std::string(32, 'c'));
  exchange.set_server_random(std::string(32, 's'));
  exchange.set_prf_hash(v1::PRF_HASH_SHA256);
  exchange.set_key_block_length(40);
  absl::StatusOr<v1::RsaKeyExchangeResponse> exchanged =
      client->RsaKeyExchange(exchange);
  ASSERT_TRUE(exchanged.ok()) << exchanged.status();
  auto exchanged_async = Await<absl::StatusOr<v1::RsaKeyExchangeResponse>>(
      [&](Callback<v1::RsaKeyExchangeResponse> done) {
        client->RsaKeyExchangeAsync(exchange, std::move(done));
      });
  ASSERT_TRUE(exchanged_async.ok()) << exchanged_async.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*exchanged_async, *exchanged));
  const std::string master =
      testing::OpenSslTlsPrf("SHA2-256", pre_master, "master secret",
                             std::string(32, 'c') + std::string(32, 's'), 48);
  EXPECT_EQ(exchanged_async->master_secret(), master);
  EXPECT_EQ(
      exchanged_async->key_block(),
      testing::OpenSslTlsPrf("SHA2-256", master, "key expansion",
                             std::string(32, 's') + std::string(32, 'c'), 40));

  v1::DeriveSessionKeysRequest derive;
  derive.mutable_tls12()->set_cipher_suite(0xC02F);
  derive.mutable_tls12()->set_master_secret(std::string(48, 'm'));
  derive.mutable_tls12()->set_client_random(std::string(32, 'c'));
  derive.mutable_tls12()->set_server_random(std::string(32, 's'));
  absl::StatusOr<v1::DeriveSessionKeysResponse> derived =
      client->DeriveSessionKeys(derive);
  ASSERT_TRUE(derived.ok()) << derived.status();
  auto derived_async = Await<absl::StatusOr<v1::DeriveSessionKeysResponse>>(
      [&](Callback<v1::DeriveSessionKeysResponse> done) {
        client->DeriveSessionKeysAsync(derive, std::move(done));
      });
  ASSERT_TRUE(derived_async.ok()) << derived_async.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*derived_async, *derived));

  absl::StatusOr<v1::ReloadResponse> reload = client->Reload();
  ASSERT_TRUE(reload.ok()) << reload.status();
  auto reload_async = Await<absl::StatusOr<v1::ReloadResponse>>(
      [&](Callback<v1::ReloadResponse> done) {
        client->ReloadAsync(std::move(done));
      });
  ASSERT_TRUE(reload_async.ok()) << reload_async.status();
  EXPECT_EQ(reload_async->key_count(), 5u);
  EXPECT_EQ(reload_async->generation(), reload->generation() + 1);

  // edge/b is no admin: the server's PERMISSION_DENIED comes back as is.
  std::unique_ptr<KeywardClient> edge_b = Client({server->port()}, 'b');
  ASSERT_NE(edge_b, nullptr);
  EXPECT_EQ(Await<absl::StatusOr<v1::ReloadResponse>>(
                [&](Callback<v1::ReloadResponse> done) {
                  edge_b->ReloadAsync(std::move(done));
                })
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(KeywardClientTest, GetKeyAsyncFillsAndAnswersFromTheCache) {
  std::unique_ptr<testing::TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<KeywardClient> client = Client({server->port()});
  ASSERT_NE(client, nullptr);
  auto fetched =
      Await<absl::StatusOr<v1::KeyInfo>>([&](Callback<v1::KeyInfo> done) {
        client->GetKeyAsync(Host(kEcdsaHost), std::move(done));
      });
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  server.reset();  // Only the cache can answer now.

  absl::StatusOr<v1::KeyInfo> cached_sync = client->GetKey(Host(kEcdsaHost));
  ASSERT_TRUE(cached_sync.ok()) << cached_sync.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*cached_sync, *fetched));
  // A cache hit answers before GetKeyAsync returns.
  std::optional<absl::StatusOr<v1::KeyInfo>> cached_async;
  client->GetKeyAsync(Host(kEcdsaHost), [&](absl::StatusOr<v1::KeyInfo> key) {
    cached_async = std::move(key);
  });
  ASSERT_TRUE(cached_async.has_value());
  ASSERT_TRUE(cached_async->ok()) << cached_async->status();
  EXPECT_TRUE(MessageDifferencer::Equals(**cached_async, *fetched));
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
  Event a_third_done;
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
