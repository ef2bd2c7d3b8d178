#include "service/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "keystore/keystore.h"
#include "tests/support/dev_keystore.h"

namespace keyward::service {
namespace {

using Labels = std::map<std::string, std::string>;

// Sample is one line of the text exposition format: name{labels} value.
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

// ParseExposition parses the samples of `text`, skipping comments. Label
// values in these tests hold no quotes, commas or escapes.
std::vector<Sample> ParseExposition(absl::string_view text) {
  std::vector<Sample> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    Sample sample;
    size_t space = line.rfind(' ');
    EXPECT_NE(space, absl::string_view::npos) << line;
    if (space == absl::string_view::npos) continue;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &sample.value))
        << line;
    absl::string_view series = line.substr(0, space);
    size_t brace = series.find('{');
    sample.name = std::string(series.substr(0, brace));
    if (brace != absl::string_view::npos) {
      absl::string_view labels = series.substr(brace + 1);
      EXPECT_TRUE(absl::ConsumeSuffix(&labels, "}")) << line;
      for (absl::string_view pair :
           absl::StrSplit(labels, ',', absl::SkipEmpty())) {
        std::pair<absl::string_view, absl::string_view> kv =
            absl::StrSplit(pair, absl::MaxSplits('=', 1));
        absl::string_view value = kv.second;
        EXPECT_TRUE(absl::ConsumePrefix(&value, "\"") &&
                    absl::ConsumeSuffix(&value, "\""))
            << line;
        sample.labels[std::string(kv.first)] = std::string(value);
      }
    }
    out.push_back(std::move(sample));
  }
  return out;
}

// Find returns the samples named `name` whose labels include `labels`.
std::vector<Sample> Find(const std::vector<Sample>& samples,
                         const std::string& name, const Labels& labels) {
  std::vector<Sample> out;
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    bool match = true;
    for (const auto& [key, value] : labels) {
      auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != value) match = false;
    }
    if (match) out.push_back(sample);
  }
  return out;
}

// Value is the value of the one sample Find returns; a failure (and -1)
// when there is not exactly one.
double Value(const std::vector<Sample>& samples, const std::string& name,
             const Labels& labels) {
  std::vector<Sample> found = Find(samples, name, labels);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.size() == 1 ? found[0].value : -1;
}

// HttpGet fetches `path` from 127.0.0.1:`port` over HTTP/1.0 and returns
// the response body; a failure (and "") unless the status is 200.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  if (fd < 0) return "";
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "connect to port " << port << " failed";
  } else {
    std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
    EXPECT_EQ(write(fd, request.data(), request.size()),
              static_cast<ssize_t>(request.size()));
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0)
      response.append(buffer, n);
    EXPECT_EQ(n, 0);
  }
  close(fd);
  size_t body = response.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos) << response;
  if (body == std::string::npos) return "";
  absl::string_view status_line =
      absl::string_view(response).substr(0, response.find("\r\n"));
  EXPECT_NE(status_line.find(" 200 "), absl::string_view::npos) << status_line;
  return response.substr(body + 4);
}

std::unique_ptr<Metrics> StartMetrics(const std::string& listen_address) {
  config::MetricsConfig config;
  config.set_listen_address(listen_address);
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Start(config);
  EXPECT_TRUE(metrics.ok()) << metrics.status();
  return metrics.ok() ? std::move(*metrics) : nullptr;
}

OperationRecord Record(const std::string& operation, const std::string& key_id,
                       const std::string& scheme, absl::StatusCode outcome,
                       absl::Duration latency) {
  OperationRecord record;
  record.time = absl::Now();
  record.latency = latency;
  record.identity = "spiffe://keyward.dev/edge/a";
  record.peer = "ipv4:127.0.0.1:40000";
  record.request_id = "req-1";
  record.operation = operation;
  record.key_id = key_id;
  record.scheme = scheme;
  record.outcome = outcome;
  return record;
}

constexpr char kEcdsaScheme[] = "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256";

// A manifest naming two of the dev keystore's five keys.
constexpr char kTwoKeyManifest[] = R"pb(
  key {
    name: "rsa-2048"
    private_key_file: "keys/rsa-2048.key"
    certificate_chain_file: "keys/rsa-2048.crt"
  }
  key {
    name: "ecdsa-p256"
    private_key_file: "keys/ecdsa-p256.key"
    certificate_chain_file: "keys/ecdsa-p256.crt"
  }
)pb";

class MetricsKeystoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> dev =
        testing::MakeDevKeystore("metrics");
    ASSERT_TRUE(dev.ok()) << dev.status();
    all_keys_ = new std::shared_ptr<const keystore::Keystore>(Load(dev->dir));
    std::ofstream(dev->dir + "/manifest.textproto") << kTwoKeyManifest;
    two_keys_ = new std::shared_ptr<const keystore::Keystore>(Load(dev->dir));
  }
  static void TearDownTestSuite() {
    delete all_keys_;
    delete two_keys_;
  }

  static std::shared_ptr<const keystore::Keystore> Load(
      const std::string& dir) {
    absl::StatusOr<std::shared_ptr<const keystore::Keystore>> loaded =
        keystore::Keystore::LoadFromDirectory(dir, absl::Now(), nullptr);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? *loaded : nullptr;
  }

  // KeyId is the id of the key named `name` in `keystore`.
  static std::string KeyId(const keystore::Keystore& keystore,
                           const std::string& name) {
    for (const auto& key : keystore.keys()) {
      if (key->name == name) return key->key_id;
    }
    ADD_FAILURE() << "no key " << name;
    return "";
  }

  static std::shared_ptr<const keystore::Keystore>* all_keys_;
  static std::shared_ptr<const keystore::Keystore>* two_keys_;
};

std::shared_ptr<const keystore::Keystore>* MetricsKeystoreTest::all_keys_ =
    nullptr;
std::shared_ptr<const keystore::Keystore>* MetricsKeystoreTest::two_keys_ =
    nullptr;

TEST_F(MetricsKeystoreTest, ScrapedOverHttpMatchesWhatWasRecorded) {
  ASSERT_NE(*all_keys_, nullptr);
  std::unique_ptr<Metrics> metrics = StartMetrics("127.0.0.1:0");
  ASSERT_NE(metrics, nullptr);
  ASSERT_GT(metrics->port(), 0);
  metrics->SetKeystore(**all_keys_);
  const std::string ecdsa = KeyId(**all_keys_, "ecdsa-p256");
  const std::string rsa = KeyId(**all_keys_, "rsa-2048");

  for (int i = 0; i < 3; ++i) {
    metrics->RecordOperation(Record("Sign", ecdsa, kEcdsaScheme,
                                    absl::StatusCode::kOk,
                                    absl::Microseconds(20)));
  }
  metrics->RecordOperation(Record("Sign", "", kEcdsaScheme,
                                  absl::StatusCode::kNotFound,
                                  absl::Microseconds(3)));
  metrics->RecordOperation(Record("DecryptPreMaster", rsa, "",
                                  absl::StatusCode::kOk,
                                  absl::Milliseconds(2)));
  metrics->RecordOperation(Record("DecryptPreMaster", rsa, "",
                                  absl::StatusCode::kOk,
                                  absl::Microseconds(900)));
  metrics->AddInFlight(1);
  metrics->AddInFlight(1);
  metrics->AddInFlight(-1);
  const absl::Time success_time = absl::FromUnixSeconds(1700000000);
  metrics->RecordReload(true, absl::Milliseconds(250), success_time);
  metrics->RecordReload(false, absl::Milliseconds(125),
                        success_time + absl::Seconds(60));

  std::string body = HttpGet(metrics->port(), "/metrics");
  std::vector<Sample> samples = ParseExposition(body);

  const std::string ops = "keyward_operations_total";
  EXPECT_EQ(Value(samples, ops,
                  {{"operation", "Sign"},
                   {"key_id", ecdsa},
                   {"scheme", kEcdsaScheme},
                   {"outcome", "ok"}}),
            3);
  EXPECT_EQ(Value(samples, ops,
                  {{"operation", "Sign"},
                   {"key_id", ""},
                   {"scheme", kEcdsaScheme},
                   {"outcome", "not_found"}}),
            1);
  EXPECT_EQ(Value(samples, ops,
                  {{"operation", "DecryptPreMaster"},
                   {"key_id", rsa},
                   {"scheme", ""},
                   {"outcome", "ok"}}),
            2);
  EXPECT_EQ(Find(samples, ops, {}).size(), 3u);

  const std::string duration = "keyward_operation_duration_seconds";
  const Labels sign_p256 = {{"operation", "Sign"}, {"key_type", "ecdsa-p256"}};
  EXPECT_EQ(Value(samples, duration + "_count", sign_p256), 3);
  EXPECT_DOUBLE_EQ(Value(samples, duration + "_sum", sign_p256), 60e-6);
  // Each 20 µs signature falls at or below the 20 µs bound, none at or
  // below 10 µs.
  for (const Sample& bucket : Find(samples, duration + "_bucket", sign_p256)) {
    double le = 0;
    ASSERT_TRUE(absl::SimpleAtod(bucket.labels.at("le"), &le));
    EXPECT_EQ(bucket.value, le >= 20e-6 ? 3 : 0) << "le=" << le;
  }
  EXPECT_EQ(
      Value(
          samples, duration + "_bucket",
          {{"operation", "Sign"}, {"key_type", "ecdsa-p256"}, {"le", "2e-05"}}),
      3);
  const Labels decrypt_rsa = {{"operation", "DecryptPreMaster"},
                              {"key_type", "rsa-2048"}};
  EXPECT_EQ(Value(samples, duration + "_count", decrypt_rsa), 2);
  EXPECT_EQ(Value(samples, duration + "_bucket",
                  {{"operation", "DecryptPreMaster"},
                   {"key_type", "rsa-2048"},
                   {"le", "0.002"}}),
            2);
  EXPECT_DOUBLE_EQ(Value(samples, duration + "_sum", decrypt_rsa), 2.9e-3);
  for (const Sample& bucket :
       Find(samples, duration + "_bucket", decrypt_rsa)) {
    double le = 0;
    ASSERT_TRUE(absl::SimpleAtod(bucket.labels.at("le"), &le));
    EXPECT_EQ(bucket.value, le >= 2e-3     ? 2
                            : le >= 900e-6 ? 1
                                           : 0)
        << "le=" << le;
  }
  // The not_found Sign had no key: no key type.
  EXPECT_EQ(Value(samples, duration + "_count",
                  {{"operation", "Sign"}, {"key_type", ""}}),
            1);
  // _count equals the +Inf bucket everywhere.
  for (const Sample& count : Find(samples, duration + "_count", {})) {
    Labels inf = count.labels;
    inf["le"] = "+Inf";
    EXPECT_EQ(Value(samples, duration + "_bucket", inf), count.value);
  }

  EXPECT_EQ(Value(samples, "keyward_in_flight_operations", {}), 1);
  EXPECT_EQ(Value(samples, "keyward_keystore_reloads_total",
                  {{"outcome", "success"}}),
            1);
  EXPECT_EQ(Value(samples, "keyward_keystore_reloads_total",
                  {{"outcome", "failure"}}),
            1);
  EXPECT_EQ(Value(samples, "keyward_keystore_last_reload_successful", {}), 0);
  EXPECT_EQ(Value(samples,
                  "keyward_keystore_last_reload_success_timestamp_seconds", {}),
            1700000000);
  EXPECT_DOUBLE_EQ(
      Value(samples, "keyward_keystore_last_reload_duration_seconds", {}),
      0.125);

  const std::string expiry = "keyward_certificate_expiry_timestamp_seconds";
  EXPECT_EQ(Find(samples, expiry, {}).size(), (*all_keys_)->keys().size());
  for (const auto& key : (*all_keys_)->keys()) {
    EXPECT_EQ(Value(samples, expiry,
                    {{"key_id", key->key_id}, {"key_name", key->name}}),
              absl::ToUnixSeconds(key->not_after));
  }

  // Scrape gives the same keyward_ samples (the HTTP body adds the
  // exposer's own metrics).
  std::vector<Sample> scraped = ParseExposition(metrics->Scrape());
  size_t keyward_samples = 0;
  for (const Sample& sample : samples) {
    if (!absl::StartsWith(sample.name, "keyward_")) continue;
    ++keyward_samples;
    EXPECT_EQ(Value(scraped, sample.name, sample.labels), sample.value)
        << sample.name;
  }
  EXPECT_EQ(keyward_samples, scraped.size());
}

TEST_F(MetricsKeystoreTest, SetKeystoreDropsTheExpiryOfRemovedKeys) {
  ASSERT_NE(*all_keys_, nullptr);
  ASSERT_NE(*two_keys_, nullptr);
  std::unique_ptr<Metrics> metrics = StartMetrics("");
  ASSERT_NE(metrics, nullptr);
  const std::string expiry = "keyward_certificate_expiry_timestamp_seconds";
  const std::string ed25519 = KeyId(**all_keys_, "ed25519");

  metrics->SetKeystore(**all_keys_);
  std::vector<Sample> before = ParseExposition(metrics->Scrape());
  EXPECT_EQ(Find(before, expiry, {}).size(), 5u);
  EXPECT_EQ(Find(before, expiry, {{"key_id", ed25519}}).size(), 1u);

  metrics->SetKeystore(**two_keys_);
  std::vector<Sample> after = ParseExposition(metrics->Scrape());
  EXPECT_EQ(Find(after, expiry, {}).size(), 2u);
  EXPECT_TRUE(Find(after, expiry, {{"key_id", ed25519}}).empty());
  for (const auto& key : (*two_keys_)->keys()) {
    EXPECT_EQ(Value(after, expiry,
                    {{"key_id", key->key_id}, {"key_name", key->name}}),
              absl::ToUnixSeconds(key->not_after));
  }

  // A removed key's latencies no longer have a key type.
  metrics->RecordOperation(Record("Sign", ed25519, "SIGNATURE_SCHEME_ED25519",
                                  absl::StatusCode::kOk,
                                  absl::Microseconds(50)));
  EXPECT_EQ(Value(ParseExposition(metrics->Scrape()),
                  "keyward_operation_duration_seconds_count",
                  {{"operation", "Sign"}, {"key_type", ""}}),
            1);
}

TEST(MetricsTest, NoEndpointWithoutListenAddress) {
  std::unique_ptr<Metrics> metrics = StartMetrics("");
  ASSERT_NE(metrics, nullptr);
  EXPECT_EQ(metrics->port(), 0);
  // Every unlabelled metric is there from the start.
  std::vector<Sample> samples = ParseExposition(metrics->Scrape());
  EXPECT_EQ(Value(samples, "keyward_in_flight_operations", {}), 0);
  EXPECT_EQ(Value(samples, "keyward_keystore_reloads_total",
                  {{"outcome", "success"}}),
            0);
}

TEST(MetricsTest, ServesOnLocalhost) {
  std::unique_ptr<Metrics> metrics = StartMetrics("localhost:0");
  ASSERT_NE(metrics, nullptr);
  ASSERT_GT(metrics->port(), 0);
  EXPECT_EQ(Value(ParseExposition(HttpGet(metrics->port(), "/metrics")),
                  "keyward_in_flight_operations", {}),
            0);
}

TEST(MetricsTest, RefusesBadAddresses) {
  for (const char* address : {"nonsense", "127.0.0.1", "unix:/tmp/metrics"}) {
    config::MetricsConfig config;
    config.set_listen_address(address);
    EXPECT_EQ(Metrics::Start(config).status().code(),
              absl::StatusCode::kInvalidArgument)
        << address;
  }
}

TEST(MetricsTest, UnavailableWhenThePortIsTaken) {
  std::unique_ptr<Metrics> first = StartMetrics("127.0.0.1:0");
  ASSERT_NE(first, nullptr);
  config::MetricsConfig config;
  config.set_listen_address("127.0.0.1:" + std::to_string(first->port()));
  EXPECT_EQ(Metrics::Start(config).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(MetricsTest, ConcurrentRecordingCountsExactly) {
  std::unique_ptr<Metrics> metrics = StartMetrics("127.0.0.1:0");
  ASSERT_NE(metrics, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      // Odd threads fail half the time, so that series are both shared and
      // created concurrently.
      for (int i = 0; i < kPerThread; ++i) {
        metrics->AddInFlight(1);
        absl::StatusCode outcome = (t % 2 == 1 && i % 2 == 1)
                                       ? absl::StatusCode::kResourceExhausted
                                       : absl::StatusCode::kOk;
        metrics->RecordOperation(
            Record("Sign", "k", kEcdsaScheme, outcome, absl::Microseconds(30)));
        metrics->AddInFlight(-1);
      }
    });
  }
  // Scrapes while the others record.
  threads.emplace_back([&metrics] {
    for (int i = 0; i < 20; ++i) {
      EXPECT_FALSE(HttpGet(metrics->port(), "/metrics").empty());
    }
  });
  for (std::thread& thread : threads) thread.join();

  std::vector<Sample> samples =
      ParseExposition(HttpGet(metrics->port(), "/metrics"));
  const std::string ops = "keyward_operations_total";
  constexpr int kFailed = (kThreads / 2) * (kPerThread / 2);
  EXPECT_EQ(Value(samples, ops, {{"outcome", "ok"}}),
            kThreads * kPerThread - kFailed);
  EXPECT_EQ(Value(samples, ops, {{"outcome", "resource_exhausted"}}), kFailed);
  EXPECT_EQ(Value(samples, "keyward_operation_duration_seconds_count",
                  {{"operation", "Sign"}}),
            kThreads * kPerThread);
  EXPECT_EQ(Value(samples, "keyward_in_flight_operations", {}), 0);
}

}  // namespace
}  // namespace keyward::service
