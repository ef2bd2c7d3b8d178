// Fleet behaviour: three keyward_server processes on loopback share one
// keystore behind one KeywardClient (round-robin over healthy replicas,
// retries), under continuous load from several threads, while one replica
// drains on SIGTERM, one is SIGKILLed, both are restarted on their ports,
// and the keystore is rotated (SIGHUP on two replicas, the keystore watch
// on the third). Not one operation may fail; every result is checked
// (signatures with OpenSSL, pre-master and master secrets byte for byte).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "clients/cpp/keyward_client.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/server_process.h"
#include "tests/support/signature_check.h"

namespace keyward {
namespace {

using testing::DevKeystore;
using testing::ServerProcess;

constexpr int kReplicas = 3;
constexpr int kLoadThreads = 4;
// Each phase runs at least this many operations (besides its event), and
// the steady phases until every replica has served this many of them.
constexpr int64_t kMinOperationsPerPhase = 500;
constexpr int kMinPerReplica = 50;
// Generous bound of any one wait; the test as a whole stays far below.
constexpr absl::Duration kWaitLimit = absl::Seconds(60);

enum Phase { kSteady, kDrain, kKillAndRestart, kRotate, kSteadyAfter, kDone };
constexpr int kPhases = 5;
constexpr const char* kPhaseNames[kPhases] = {
    "0 steady", "1 SIGTERM drain of replica 1",
    "2 SIGKILL of replica 2, both restarted", "3 keystore rotation",
    "4 steady after rotation"};

constexpr char kEcdsaHost[] = "ecdsa-p256.dev.keyward.test";
constexpr char kRsaHost[] = "rsa-2048.dev.keyward.test";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& contents,
               mode_t mode) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    ASSERT_TRUE(out.good()) << temporary;
  }
  ASSERT_EQ(chmod(temporary.c_str(), mode), 0) << temporary;
  // Renamed into place, so that no reader sees half a file.
  ASSERT_EQ(rename(temporary.c_str(), path.c_str()), 0) << path;
}

// CountLines counts the lines of `path` that contain `text`.
int CountLines(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(text) != std::string::npos) ++count;
  }
  return count;
}

// WaitFor polls `condition` until it holds; false (and a failure naming
// `what`) when it does not within kWaitLimit.
template <typename Condition>
bool WaitFor(const std::string& what, Condition condition) {
  const absl::Time deadline = absl::Now() + kWaitLimit;
  while (!condition()) {
    if (absl::Now() > deadline) {
      ADD_FAILURE() << "timed out waiting for " << what;
      return false;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

// A replica: its fixed port, its configuration, and the running process.
// Each incarnation writes its own audit log.
struct Replica {
  int index = 0;
  int port = 0;  // 0 until the first start chose one
  int incarnation = 0;
  std::unique_ptr<ServerProcess> process;

  std::string AuditPath() const {
    return absl::StrCat(getenv("TEST_TMPDIR"), "/audit-", index, "-",
                        incarnation, ".jsonl");
  }
};

// What one signature was made over, to verify it after the run.
struct SignedMessage {
  std::string key_id;
  v1::SignatureScheme scheme;
  std::string message;
  std::string signature;
};

// Inputs of the RSA key exchange operations and their expected results,
// computed with the public key and OpenSSL alone.
struct RsaInputs {
  std::string pre_master;
  std::string ciphertext;
  std::string client_random;
  std::string server_random;
  std::string master_secret;
};

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DevKeystore> keystore = testing::MakeDevKeystore("fleet");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    // The source of the key that the rotation adds.
    absl::StatusOr<DevKeystore> next = testing::MakeDevKeystore("fleet-next");
    ASSERT_TRUE(next.ok()) << next.status();
    next_ = *next;
    for (int i = 0; i < kReplicas; ++i) replicas_[i].index = i;
  }

  // Also when an assertion ended the test early.
  void TearDown() override { StopLoad(); }

  // StartLoad starts the load threads on client_.
  void StartLoad() {
    for (int t = 0; t < kLoadThreads; ++t) {
      load_.emplace_back([this, t] { Load(client_.get(), t); });
    }
  }

  // StopLoad ends the load and waits for its threads.
  void StopLoad() {
    phase_.store(kDone);
    for (std::thread& thread : load_) {
      if (thread.joinable()) thread.join();
    }
  }

  // ConfigFor writes replica `r`'s configuration file: mutual TLS with the
  // dev endpoint identity, the shared keystore (watched on replica 2 only),
  // its own audit log (failing closed).
  std::string ConfigFor(const Replica& r) {
    const std::string path = absl::StrCat(getenv("TEST_TMPDIR"), "/replica-",
                                          r.index, "-", r.incarnation, ".conf");
    std::ofstream(path) << absl::StrCat(
        "tls {\n  server_cert_file: \"", keystore_.server_cert(),
        "\"\n  server_key_file: \"", keystore_.server_key(),
        "\"\n  client_ca_file: \"", keystore_.ca_cert(),
        "\"\n}\nkeystore {\n  directory: \"", keystore_.dir,
        "\"\n  watch_interval_seconds: ", r.index == 2 ? 1 : 0,
        "\n}\naudit {\n  path: \"", r.AuditPath(),
        "\"\n  fail_closed: true\n}\nshutdown_grace_seconds: 10\n");
    return path;
  }

  // Start starts (or restarts, on the same port) replica `r`.
  void Start(Replica& r) {
    const std::string config = ConfigFor(r);
    r.process = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--config=" + config,
        absl::StrCat("--listen_address=127.0.0.1:", r.port)});
    const int port = r.process->Port();
    ASSERT_NE(port, 0) << r.process->log();
    if (r.port != 0) {
      EXPECT_EQ(port, r.port);
    }
    r.port = port;
  }

  // Direct is a channel to replica `r` alone.
  std::shared_ptr<grpc::Channel> Direct(const Replica& r) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        client::CreateMutualTlsChannel(
            {absl::StrCat("127.0.0.1:", r.port), keystore_.ca_cert(),
             keystore_.client_cert('a'), keystore_.client_key('a'), ""});
    EXPECT_TRUE(channel.ok()) << channel.status();
    return channel.ok() ? *channel : nullptr;
  }

  // KeysOf lists the keys replica `r` serves (by key id).
  std::map<std::string, v1::KeyInfo> KeysOf(const Replica& r) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::ListKeysResponse response;
    const grpc::Status status = v1::KeyService::NewStub(Direct(r))->ListKeys(
        &context, v1::ListKeysRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, v1::KeyInfo> out;
    for (const v1::KeyInfo& key : response.keys()) out[key.key_id()] = key;
    return out;
  }

  // Rotate adds version 2 of "ecdsa-p256" (the key of the second dev
  // keystore), making version 1 PREVIOUS for another day: new files
  // first, then the manifest, each renamed into place.
  void Rotate() {
    for (const char* extension : {".key", ".crt"}) {
      WriteFile(
          absl::StrCat(keystore_.dir, "/keys/ecdsa-p256-v2", extension),
          ReadFile(absl::StrCat(next_.dir, "/keys/ecdsa-p256", extension)),
          0600);
    }
    const std::string usable_until = absl::FormatTime(
        absl::RFC3339_sec, absl::Now() + absl::Hours(24), absl::UTCTimeZone());
    std::string manifest = ReadFile(keystore_.dir + "/manifest.textproto");
    const std::string v1_name = "  name: \"ecdsa-p256\"\n";
    ASSERT_NE(manifest.find(v1_name), std::string::npos) << manifest;
    manifest = absl::StrReplaceAll(
        manifest,
        {{v1_name, absl::StrCat(v1_name, "  version: 1\n", "  usable_until: \"",
                                usable_until, "\"\n")}});
    manifest += absl::StrCat(
        "key {\n  name: \"ecdsa-p256\"\n  version: 2\n",
        "  private_key_file: \"keys/ecdsa-p256-v2.key\"\n",
        "  certificate_chain_file: \"keys/ecdsa-p256-v2.crt\"\n",
        "  allow {\n    identity: \"spiffe://keyward.dev/edge/a\"\n",
        "    operations: [OPERATION_SIGN_STRUCTURED, OPERATION_SIGN_RAW]\n",
        "  }\n}\n");
    WriteFile(keystore_.dir + "/manifest.textproto", manifest, 0600);
  }

  // Load runs operations through `client` until the phase is kDone,
  // counting each success in the phase it started in.
  void Load(client::KeywardClient* client, int thread) {
    for (int64_t n = 0;; ++n) {
      const int phase = phase_.load();
      if (phase == kDone) return;
      client::CallOptions options;
      options.request_id = absl::StrCat("fleet-p", phase, "-t", thread, "-", n);
      // The deadline covers the retries of a call that met a dying replica.
      options.timeout = absl::Seconds(10);
      std::string failure;
      switch ((n + thread) % 5) {
        case 0:    // ECDSA by host name: version 2 once rotated.
        case 1:    // ECDSA by key id: version 1 throughout (PREVIOUS later).
        case 2: {  // RSA-PSS by host name.
          const int kind = static_cast<int>((n + thread) % 5);
          v1::SignRequest request;
          if (kind == 0) request.mutable_key()->set_server_name(kEcdsaHost);
          if (kind == 1) request.mutable_key()->set_key_id(ecdsa_v1_id_);
          if (kind == 2) request.mutable_key()->set_server_name(kRsaHost);
          request.set_scheme(kind == 2
                                 ? v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256
                                 : v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
          request.set_message(options.request_id);
          absl::StatusOr<v1::SignResponse> response =
              client->Sign(request, options);
          if (!response.ok()) {
            failure = response.status().ToString();
            break;
          }
          std::lock_guard<std::mutex> lock(mu_);
          signed_messages_.push_back({response->key_id(), request.scheme(),
                                      request.message(),
                                      response->signature()});
          break;
        }
        case 3: {
          v1::DecryptPreMasterRequest request;
          request.mutable_key()->set_server_name(kRsaHost);
          request.set_encrypted_pre_master(rsa_.ciphertext);
          request.set_client_version(0x0303);
          absl::StatusOr<v1::DecryptPreMasterResponse> decrypted =
              client->DecryptPreMaster(request, options);
          if (!decrypted.ok()) {
            failure = decrypted.status().ToString();
          } else if (decrypted->pre_master_secret() != rsa_.pre_master) {
            failure = "DecryptPreMaster returned another pre-master";
          }
          break;
        }
        case 4: {
          v1::RsaKeyExchangeRequest request;
          request.mutable_key()->set_server_name(kRsaHost);
          request.set_encrypted_pre_master(rsa_.ciphertext);
          request.set_client_version(0x0303);
          request.set_client_random(rsa_.client_random);
          request.set_server_random(rsa_.server_random);
          request.set_prf_hash(v1::PRF_HASH_SHA256);
          absl::StatusOr<v1::RsaKeyExchangeResponse> exchanged =
              client->RsaKeyExchange(request, options);
          if (!exchanged.ok()) {
            failure = exchanged.status().ToString();
          } else if (exchanged->master_secret() != rsa_.master_secret) {
            failure = "RsaKeyExchange returned another master secret";
          }
          break;
        }
      }
      if (failure.empty()) {
        ++operations_[phase];
      } else {
        ++failures_;
        std::lock_guard<std::mutex> lock(mu_);
        if (failure_messages_.size() < 20) {
          failure_messages_.push_back(
              absl::StrCat(options.request_id, ": ", failure));
        }
      }
    }
  }

  // ServedInPhase counts the operations of `phase` in replica `r`'s audit
  // log (the current incarnation's).
  int ServedInPhase(const Replica& r, int phase) {
    return CountLines(r.AuditPath(), absl::StrCat("\"fleet-p", phase, "-"));
  }

  // EnterPhase moves the load into `phase`.
  void EnterPhase(Phase phase) {
    phase_.store(phase);
    std::printf("fleet: phase %s begins\n", kPhaseNames[phase]);
  }

  // AwaitOperations waits until `phase` has run kMinOperationsPerPhase
  // operations.
  void AwaitOperations(Phase phase) {
    WaitFor(
        absl::StrCat(kMinOperationsPerPhase, " operations in phase ",
                     kPhaseNames[phase]),
        [&] { return operations_[phase].load() >= kMinOperationsPerPhase; });
  }

  DevKeystore keystore_;
  DevKeystore next_;
  Replica replicas_[kReplicas];
  std::string ecdsa_v1_id_;
  RsaInputs rsa_;

  std::atomic<int> phase_{kSteady};
  std::atomic<int64_t> operations_[kPhases] = {};
  std::atomic<int64_t> failures_{0};
  std::mutex mu_;
  std::vector<SignedMessage> signed_messages_;
  std::vector<std::string> failure_messages_;
  // Declared after what the load threads use; StopLoad joins them.
  std::unique_ptr<client::KeywardClient> client_;
  std::vector<std::thread> load_;
};

TEST_F(FleetTest, NoOperationFailsThroughDrainKillRestartAndRotation) {
  for (Replica& r : replicas_) {
    Start(r);
    ASSERT_FALSE(HasFatalFailure());
  }
  EXPECT_NE(replicas_[2].process->ReadLineContaining("keystore: watching",
                                                     absl::Seconds(10)),
            "");

  // The keys as served before the rotation, and the RSA inputs made with
  // the rsa-2048 public key.
  std::map<std::string, v1::KeyInfo> keys = KeysOf(replicas_[0]);
  ASSERT_EQ(keys.size(), 5u);
  testing::EvpPkeyPtr rsa_public(nullptr, EVP_PKEY_free);
  for (const auto& [id, key] : keys) {
    if (key.name() == "ecdsa-p256") ecdsa_v1_id_ = id;
    if (key.name() == "rsa-2048") {
      rsa_public =
          testing::PublicKeyOfCertificate(key.certificate_chain_der(0));
    }
  }
  ASSERT_FALSE(ecdsa_v1_id_.empty());
  ASSERT_NE(rsa_public, nullptr);
  rsa_.pre_master = testing::PreMaster(0x0303, 'f');
  rsa_.ciphertext = testing::EncryptPkcs1(rsa_public.get(), rsa_.pre_master);
  rsa_.client_random = std::string(32, 'c');
  rsa_.server_random = std::string(32, 's');
  rsa_.master_secret =
      testing::OpenSslTlsPrf("SHA2-256", rsa_.pre_master, "master secret",
                             rsa_.client_random + rsa_.server_random, 48);
  ASSERT_EQ(rsa_.master_secret.size(), 48u);

  client::KeywardClientOptions options;
  for (const Replica& r : replicas_) {
    options.endpoints.push_back(absl::StrCat("127.0.0.1:", r.port));
  }
  options.ca_file = keystore_.ca_cert();
  options.cert_file = keystore_.client_cert('a');
  options.key_file = keystore_.client_key('a');
  options.max_attempts = 5;
  absl::StatusOr<std::unique_ptr<client::KeywardClient>> client =
      client::KeywardClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  client_ = *std::move(client);

  const absl::Time start = absl::Now();
  StartLoad();

  // Phase 0: every replica serves.
  EnterPhase(kSteady);
  AwaitOperations(kSteady);
  for (const Replica& r : replicas_) {
    WaitFor(absl::StrCat("replica ", r.index, " serving in phase 0"),
            [&] { return ServedInPhase(r, kSteady) >= kMinPerReplica; });
  }

  // Phase 1: replica 1 drains and exits cleanly.
  EnterPhase(kDrain);
  Replica& drained = replicas_[1];
  const int drain_status = drained.process->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(drain_status) && WEXITSTATUS(drain_status) == 0)
      << drained.process->log();
  EXPECT_NE(drained.process->log().find("draining"), std::string::npos);
  AwaitOperations(kDrain);

  // Phase 2: replica 2 dies mid-load; both come back on their ports and
  // the client reconnects to them.
  EnterPhase(kKillAndRestart);
  Replica& killed = replicas_[2];
  const int kill_status = killed.process->Stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(kill_status) && WTERMSIG(kill_status) == SIGKILL);
  for (Replica* r : {&killed, &drained}) {
    ++r->incarnation;
    Start(*r);
    ASSERT_FALSE(HasFatalFailure());
  }
  EXPECT_NE(killed.process->ReadLineContaining("keystore: watching",
                                               absl::Seconds(10)),
            "");
  AwaitOperations(kKillAndRestart);
  for (const Replica* r : {&killed, &drained}) {
    WaitFor(absl::StrCat("restarted replica ", r->index, " serving"),
            [&] { return ServedInPhase(*r, kKillAndRestart) > 0; });
  }

  // Phase 3: the keystore gains ecdsa-p256 version 2; replicas 0 and 1
  // reload on SIGHUP, replica 2 by watching the files.
  EnterPhase(kRotate);
  Rotate();
  ASSERT_FALSE(HasFatalFailure());
  replicas_[0].process->Signal(SIGHUP);
  replicas_[1].process->Signal(SIGHUP);
  for (const Replica& r : replicas_) {
    const std::string trigger = r.index == 2 ? "watch" : "SIGHUP";
    EXPECT_NE(r.process->ReadLineContaining(
                  absl::StrCat("keystore reloaded (", trigger, "): 6 keys")),
              "")
        << "replica " << r.index << ":\n"
        << r.process->log();
  }
  std::string ecdsa_v2_id;
  for (const Replica& r : replicas_) {
    int current = 0;
    int previous = 0;
    for (const auto& [id, key] : KeysOf(r)) {
      if (key.name() != "ecdsa-p256") continue;
      if (key.version() == 2 && key.state() == v1::KEY_STATE_CURRENT) {
        ++current;
        ecdsa_v2_id = id;
        keys[id] = key;
      }
      if (key.version() == 1 && key.state() == v1::KEY_STATE_PREVIOUS) {
        ++previous;
        EXPECT_EQ(id, ecdsa_v1_id_);
      }
    }
    EXPECT_EQ(current, 1) << "replica " << r.index;
    EXPECT_EQ(previous, 1) << "replica " << r.index;
  }
  ASSERT_FALSE(ecdsa_v2_id.empty());
  AwaitOperations(kRotate);

  // Phase 4: steady again, every replica serving.
  EnterPhase(kSteadyAfter);
  AwaitOperations(kSteadyAfter);
  for (const Replica& r : replicas_) {
    WaitFor(absl::StrCat("replica ", r.index, " serving in phase 4"),
            [&] { return ServedInPhase(r, kSteadyAfter) >= kMinPerReplica; });
  }
  StopLoad();
  const absl::Duration elapsed = absl::Now() - start;

  for (Replica& r : replicas_) {
    const int status = r.process->Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "replica " << r.index << ":\n"
        << r.process->log();
  }

  // The report.
  int64_t total = 0;
  for (int p = 0; p < kPhases; ++p) {
    std::printf("fleet: phase %-42s %8lld operations\n", kPhaseNames[p],
                static_cast<long long>(operations_[p].load()));
    total += operations_[p].load();
    EXPECT_GT(operations_[p].load(), 0) << kPhaseNames[p];
  }
  for (Replica& r : replicas_) {
    const int last = r.incarnation;
    for (r.incarnation = 0; r.incarnation <= last; ++r.incarnation) {
      std::printf("fleet: replica %d run %d served per phase (audit):", r.index,
                  r.incarnation);
      for (int p = 0; p < kPhases; ++p) std::printf(" %d", ServedInPhase(r, p));
      std::printf("\n");
    }
    r.incarnation = last;
  }
  std::printf("fleet: %lld operations in %.1f s, %lld failed\n",
              static_cast<long long>(total), absl::ToDoubleSeconds(elapsed),
              static_cast<long long>(failures_.load()));
  EXPECT_EQ(failures_.load(), 0);
  for (const std::string& message : failure_messages_) {
    ADD_FAILURE() << message;
  }

  // Every replica served in the steady phases: the first incarnations'
  // logs for phase 0, the last ones' for phase 4.
  for (Replica& r : replicas_) {
    EXPECT_GE(ServedInPhase(r, kSteadyAfter), kMinPerReplica) << r.index;
    const int last = r.incarnation;
    r.incarnation = 0;
    EXPECT_GE(ServedInPhase(r, kSteady), kMinPerReplica) << r.index;
    r.incarnation = last;
  }

  // Every signature, verified with OpenSSL against the key that made it.
  std::map<std::string, testing::EvpPkeyPtr> public_keys;
  for (const auto& [id, key] : keys) {
    public_keys.emplace(
        id, testing::PublicKeyOfCertificate(key.certificate_chain_der(0)));
  }
  std::map<std::string, int> verified;
  for (const SignedMessage& s : signed_messages_) {
    auto key = keys.find(s.key_id);
    ASSERT_NE(key, keys.end()) << "unknown key id " << s.key_id;
    EVP_PKEY* public_key = public_keys.at(s.key_id).get();
    ASSERT_NE(public_key, nullptr);
    EXPECT_TRUE(testing::VerifyMessageSignature(s.scheme, public_key, s.message,
                                                s.signature))
        << s.message;
    ++verified[key->second.name() + " v" +
               std::to_string(key->second.version())];
  }
  for (const auto& [key, count] : verified) {
    std::printf("fleet: %d signatures by %s verified with OpenSSL\n", count,
                key.c_str());
  }
  EXPECT_GT(verified["ecdsa-p256 v2"], 0) << "the rotation reached the load";
  EXPECT_GT(verified["ecdsa-p256 v1"], 0);
  EXPECT_GT(verified["rsa-2048 v1"], 0);
}

}  // namespace
}  // namespace keyward
