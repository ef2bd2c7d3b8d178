// The Prometheus metrics of the real server, scraped over HTTP from its
// metrics port after a known set of operations and keystore reloads: the
// operation counters and latency histograms match exactly what was done,
// nothing stays in flight, reloads are counted, and every key's certificate
// expiry is its leaf certificate's notAfter.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/pem_chain.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using Stream =
    grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>;

constexpr char kEcdsaScheme[] = "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256";
constexpr char kPssScheme[] = "SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256";
constexpr char kRequestId[] = "metrics-request-7";

// HttpGet fetches http://127.0.0.1:`port``path` with HTTP/1.0 over a plain
// TCP socket and returns the whole response, headers included (the server
// closes the connection after it). Unavailable on a socket error or after
// 10 s without progress.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  const timeval timeout{10, 0};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) != 0) {
    return absl::UnavailableError(std::strerror(errno));
  }
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address),
              sizeof(address)) != 0) {
    return absl::UnavailableError(
        absl::StrCat("connect to port ", port, ": ", std::strerror(errno)));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[4096];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::UnavailableError(std::strerror(errno));
    if (n == 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  return response;
}

// Sample is one line of the text exposition format:
// name{label="value",...} value
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// ParseSample parses one sample line, unescaping label values (\\, \", \n).
// False on anything malformed.
bool ParseSample(absl::string_view line, Sample* out) {
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  out->name = std::string(line.substr(0, i));
  if (out->name.empty()) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const size_t equals = line.find('=', i);
      if (equals == absl::string_view::npos || equals + 1 >= line.size() ||
          line[equals + 1] != '"') {
        return false;
      }
      const std::string label(line.substr(i, equals - i));
      std::string value;
      i = equals + 2;
      for (; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\') {
          if (++i >= line.size()) return false;
          value.push_back(line[i] == 'n' ? '\n' : line[i]);
        } else {
          value.push_back(line[i]);
        }
      }
      if (i >= line.size()) return false;
      ++i;  // The closing quote.
      if (i < line.size() && line[i] == ',') ++i;
      if (!out->labels.emplace(label, std::move(value)).second) return false;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  // The value, then an optional timestamp.
  const std::string value(line.substr(i + 1, line.find(' ', i + 1) - i - 1));
  char* end = nullptr;
  out->value = std::strtod(value.c_str(), &end);
  return !value.empty() && *end == '\0';
}

// Scrape is a parsed GET /metrics.
struct Scrape {
  std::string body;
  // Metric family name -> its # TYPE.
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;

  // Find returns the samples called `name` (every label set).
  std::vector<const Sample*> Find(const std::string& name) const {
    std::vector<const Sample*> out;
    for (const Sample& sample : samples) {
      if (sample.name == name) out.push_back(&sample);
    }
    return out;
  }

  // Value is the value of the one sample `name`{`labels`}; NaN and a gtest
  // failure when there is none.
  double Value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    for (const Sample& sample : samples) {
      if (sample.name == name && sample.labels == labels) return sample.value;
    }
    ADD_FAILURE() << "no sample " << name << " with " << labels.size()
                  << " labels in\n"
                  << body;
    return std::nan("");
  }
};

// ScrapeMetrics GETs /metrics from `port` and parses it; failures are gtest
// failures.
Scrape ScrapeMetrics(int port) {
  Scrape out;
  absl::StatusOr<std::string> response = HttpGet(port, "/metrics");
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return out;
  const size_t end_of_headers = response->find("\r\n\r\n");
  EXPECT_NE(end_of_headers, std::string::npos) << *response;
  if (end_of_headers == std::string::npos) return out;
  const std::string headers = response->substr(0, end_of_headers);
  EXPECT_TRUE(absl::StartsWith(headers, "HTTP/1.1 200 ") ||
              absl::StartsWith(headers, "HTTP/1.0 200 "))
      << headers;
  EXPECT_TRUE(absl::StrContains(headers, "text/plain")) << headers;
  out.body = response->substr(end_of_headers + 4);
  for (absl::string_view line :
       absl::StrSplit(out.body, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      EXPECT_EQ(parts.size(), 4u) << line;
      if (parts.size() == 4) out.types[parts[2]] = parts[3];
      continue;
    }
    if (absl::StartsWith(line, "#")) continue;
    Sample sample;
    EXPECT_TRUE(ParseSample(line, &sample)) << line;
    out.samples.push_back(std::move(sample));
  }
  return out;
}

class MetricsScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A keystore of its own: the test breaks its manifest.
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("metrics-scrape");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    config::ServerConfig config = testing::TestServerConfig(keystore_);
    config.mutable_metrics()->set_listen_address("127.0.0.1:0");
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->services().metrics_port(), 0);
  }

  Scrape ScrapeNow() {
    return ScrapeMetrics(server_->services().metrics_port());
  }

  grpc::Status Sign(const v1::SignRequest& request,
                    const std::string& request_id = "") {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
    v1::SignResponse response;
    return server_->KeyService('a')->Sign(&context, request, &response);
  }

  grpc::Status Reload() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::ReloadResponse response;
    return server_->Admin('a')->Reload(&context, v1::ReloadRequest(),
                                       &response);
  }

  std::string ManifestPath() const {
    return keystore_.dir + "/manifest.textproto";
  }

  testing::DevKeystore keystore_;
  std::unique_ptr<testing::TestServer> server_;
};

v1::SignRequest Structured(const std::string& key_id,
                           v1::SignatureScheme scheme) {
  v1::SignRequest request;
  request.mutable_key()->set_key_id(key_id);
  request.set_scheme(scheme);
  request.mutable_tls13_certificate_verify()->set_transcript_hash(
      std::string(32, 't'));
  return request;
}

TEST_F(MetricsScrapeTest, CountersMatchTheOperationsPerformed) {
  const absl::Time window_start = absl::Now();

  // Before any operation: no operation series, nothing in flight, no
  // reload recorded (the initial load is not one).
  {
    const Scrape initial = ScrapeNow();
    EXPECT_TRUE(initial.Find("keyward_operations_total").empty());
    EXPECT_EQ(initial.Value("keyward_in_flight_operations"), 0);
    EXPECT_EQ(initial.Value("keyward_keystore_reloads_total",
                            {{"outcome", "success"}}),
              0);
    EXPECT_EQ(initial.Value("keyward_keystore_reloads_total",
                            {{"outcome", "failure"}}),
              0);
    EXPECT_EQ(initial.Value("keyward_keystore_last_reload_successful"), 0);
    EXPECT_EQ(
        initial.Find("keyward_certificate_expiry_timestamp_seconds").size(),
        5u);
  }

  // The known set of operations, all as edge/a unless said otherwise.
  std::unique_ptr<v1::KeyService::Stub> a = server_->KeyService('a');
  v1::ListKeysResponse keys;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(a->ListKeys(&context, v1::ListKeysRequest(), &keys).ok());
    ASSERT_EQ(keys.keys_size(), 5);
  }
  std::map<std::string, std::string> name_of;  // key id -> key name
  std::map<std::string, v1::KeyInfo> by_name;
  for (const v1::KeyInfo& key : keys.keys()) {
    name_of[key.key_id()] = key.name();
    by_name[key.name()] = key;
  }
  ASSERT_EQ(by_name.count("ecdsa-p256"), 1u);
  ASSERT_EQ(by_name.count("rsa-2048"), 1u);
  const std::string p256 = by_name["ecdsa-p256"].key_id();
  const std::string rsa = by_name["rsa-2048"].key_id();

  // GetKey of every key; their chains give the expiry to compare with.
  std::map<std::string, std::string> leaf_of;  // key id -> leaf DER
  for (const v1::KeyInfo& key : keys.keys()) {
    grpc::ClientContext context;
    v1::GetKeyRequest request;
    request.mutable_key()->set_key_id(key.key_id());
    v1::GetKeyResponse response;
    ASSERT_TRUE(a->GetKey(&context, request, &response).ok());
    ASSERT_GT(response.key().certificate_chain_der_size(), 0);
    leaf_of[key.key_id()] = response.key().certificate_chain_der(0);
  }
  // edge/b cannot see rsa-2048.
  {
    grpc::ClientContext context;
    v1::GetKeyRequest request;
    request.mutable_key()->set_key_id(rsa);
    v1::GetKeyResponse response;
    EXPECT_EQ(server_->KeyService('b')
                  ->GetKey(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  for (int i = 0; i < 3; ++i) {
    const grpc::Status status =
        Sign(Structured(p256, v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256),
             kRequestId);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (int i = 0; i < 2; ++i) {
    const grpc::Status status =
        Sign(Structured(rsa, v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256));
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(Sign(Structured(std::string(64, 'e'),
                            v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  testing::EvpPkeyPtr rsa_public =
      testing::PublicKeyOfCertificate(leaf_of[rsa]);
  ASSERT_NE(rsa_public, nullptr);
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    v1::DecryptPreMasterRequest request;
    request.mutable_key()->set_key_id(rsa);
    request.set_encrypted_pre_master(testing::EncryptPkcs1(
        rsa_public.get(), testing::PreMaster(0x0303, 'p')));
    request.set_client_version(0x0303);
    v1::DecryptPreMasterResponse response;
    ASSERT_TRUE(a->DecryptPreMaster(&context, request, &response).ok());
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", kRequestId);
    std::unique_ptr<Stream> stream = a->Pipeline(&context);
    v1::PipelineRequest request;
    request.set_request_id(5);
    *request.mutable_sign() =
        Structured(p256, v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->WritesDone());
    v1::PipelineResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.status().code(), 0) << response.status().message();
    EXPECT_FALSE(stream->Read(&response));
    EXPECT_TRUE(stream->Finish().ok());
  }

  // A reload of a broken manifest fails; then one of the original works.
  std::string manifest;
  {
    std::ifstream in(ManifestPath());
    std::stringstream text;
    text << in.rdbuf();
    manifest = text.str();
  }
  std::ofstream(ManifestPath()) << absl::StrReplaceAll(
      manifest, {{"keys/ecdsa-p256.key", "keys/missing.key"}});
  EXPECT_EQ(Reload().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  {
    const Scrape failed = ScrapeNow();
    EXPECT_EQ(failed.Value("keyward_keystore_reloads_total",
                           {{"outcome", "failure"}}),
              1);
    EXPECT_EQ(failed.Value("keyward_keystore_reloads_total",
                           {{"outcome", "success"}}),
              0);
    EXPECT_EQ(failed.Value("keyward_keystore_last_reload_successful"), 0);
    EXPECT_EQ(
        failed.Value("keyward_keystore_last_reload_success_timestamp_seconds"),
        0);
  }
  std::ofstream(ManifestPath()) << manifest;
  const grpc::Status reloaded = Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded.error_message();
  const absl::Time window_end = absl::Now();

  const Scrape scrape = ScrapeNow();
  const std::map<std::string, std::string> expected_types = {
      {"keyward_operations_total", "counter"},
      {"keyward_operation_duration_seconds", "histogram"},
      {"keyward_in_flight_operations", "gauge"},
      {"keyward_keystore_reloads_total", "counter"},
      {"keyward_keystore_last_reload_successful", "gauge"},
      {"keyward_keystore_last_reload_success_timestamp_seconds", "gauge"},
      {"keyward_keystore_last_reload_duration_seconds", "gauge"},
      {"keyward_certificate_expiry_timestamp_seconds", "gauge"},
  };
  for (const auto& [name, type] : expected_types) {
    EXPECT_EQ(scrape.types.count(name) ? scrape.types.at(name) : "", type)
        << name;
  }
  // Operations by (operation, key, scheme, outcome); keys by name for
  // readable failures.
  std::map<std::string, double> operations;
  for (const Sample* sample : scrape.Find("keyward_operations_total")) {
    ASSERT_EQ(sample->labels.size(), 4u) << scrape.body;
    const std::string& key_id = sample->labels.at("key_id");
    operations[absl::StrCat(sample->labels.at("operation"), " ",
                            name_of.count(key_id) ? name_of[key_id] : key_id,
                            " ", sample->labels.at("scheme"), " ",
                            sample->labels.at("outcome"))] += sample->value;
  }
  const std::map<std::string, double> expected_operations = {
      {"ListKeys   ok", 1},
      {"GetKey rsa-2048  ok", 1},
      {"GetKey rsa-3072  ok", 1},
      {"GetKey ecdsa-p256  ok", 1},
      {"GetKey ecdsa-p384  ok", 1},
      {"GetKey ed25519  ok", 1},
      {"GetKey   not_found", 1},
      {absl::StrCat("Sign ecdsa-p256 ", kEcdsaScheme, " ok"), 4},
      {absl::StrCat("Sign rsa-2048 ", kPssScheme, " ok"), 2},
      {absl::StrCat("Sign  ", kPssScheme, " not_found"), 1},
      {"DecryptPreMaster rsa-2048  ok", 2},
      // AdminService.Reload: the broken keystore, then the fixed one.
      {"Reload   failed_precondition", 1},
      {"Reload   ok", 1},
  };
  EXPECT_EQ(operations, expected_operations);

  // Latency by (operation, key type): the counts add up to the operations,
  // every +Inf bucket equals its count, buckets never decrease.
  std::map<std::string, double> counts;
  for (const Sample* sample :
       scrape.Find("keyward_operation_duration_seconds_count")) {
    ASSERT_EQ(sample->labels.size(), 2u) << scrape.body;
    counts[absl::StrCat(sample->labels.at("operation"), " ",
                        sample->labels.at("key_type"))] += sample->value;
    EXPECT_EQ(scrape.Value("keyward_operation_duration_seconds_bucket",
                           {{"operation", sample->labels.at("operation")},
                            {"key_type", sample->labels.at("key_type")},
                            {"le", "+Inf"}}),
              sample->value);
    const double sum =
        scrape.Value("keyward_operation_duration_seconds_sum", sample->labels);
    EXPECT_GT(sum, 0);
    EXPECT_LT(sum, 10 * sample->value);
  }
  const std::map<std::string, double> expected_counts = {
      {"ListKeys ", 1},
      {"GetKey rsa-2048", 1},
      {"GetKey rsa-3072", 1},
      {"GetKey ecdsa-p256", 1},
      {"GetKey ecdsa-p384", 1},
      {"GetKey ed25519", 1},
      {"GetKey ", 1},
      {"Sign ecdsa-p256", 4},
      {"Sign rsa-2048", 2},
      {"Sign ", 1},
      {"DecryptPreMaster rsa-2048", 2},
      {"Reload ", 2},
  };
  EXPECT_EQ(counts, expected_counts);
  double total_operations = 0;
  for (const auto& [series, count] : operations) total_operations += count;
  double total_observed = 0;
  for (const auto& [series, count] : counts) total_observed += count;
  EXPECT_EQ(total_observed, total_operations);
  // The buckets of one series, in order: 1-2-5 steps from 5 µs to 5 s.
  std::vector<double> bounds;
  double previous = 0;
  for (const Sample* sample :
       scrape.Find("keyward_operation_duration_seconds_bucket")) {
    if (sample->labels.at("operation") != "Sign" ||
        sample->labels.at("key_type") != "ecdsa-p256") {
      continue;
    }
    bounds.push_back(std::strtod(sample->labels.at("le").c_str(), nullptr));
    EXPECT_GE(sample->value, previous);
    previous = sample->value;
  }
  const std::vector<double> expected_bounds = {
      5e-6,   10e-6,  20e-6, 50e-6, 100e-6, 200e-6,  500e-6,
      1e-3,   2e-3,   5e-3,  10e-3, 20e-3,  50e-3,   100e-3,
      200e-3, 500e-3, 1,     2,     5,      INFINITY};
  ASSERT_EQ(bounds.size(), expected_bounds.size()) << scrape.body;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (std::isinf(expected_bounds[i])) {
      EXPECT_TRUE(std::isinf(bounds[i]) && bounds[i] > 0) << bounds[i];
    } else {
      EXPECT_NEAR(bounds[i] / expected_bounds[i], 1.0, 1e-9)
          << "bucket " << i << ": " << bounds[i];
    }
  }
  EXPECT_EQ(previous, 4);

  EXPECT_EQ(scrape.Value("keyward_in_flight_operations"), 0);

  EXPECT_EQ(
      scrape.Value("keyward_keystore_reloads_total", {{"outcome", "success"}}),
      1);
  EXPECT_EQ(
      scrape.Value("keyward_keystore_reloads_total", {{"outcome", "failure"}}),
      1);
  EXPECT_EQ(scrape.Value("keyward_keystore_last_reload_successful"), 1);
  const double last_success =
      scrape.Value("keyward_keystore_last_reload_success_timestamp_seconds");
  EXPECT_GE(last_success, absl::ToUnixSeconds(window_start));
  EXPECT_LE(last_success,
            absl::ToDoubleSeconds(window_end - absl::UnixEpoch()));
  const double last_duration =
      scrape.Value("keyward_keystore_last_reload_duration_seconds");
  EXPECT_GE(last_duration, 0);
  EXPECT_LE(last_duration, absl::ToDoubleSeconds(window_end - window_start));

  // Every listed key's expiry is its leaf's notAfter, read by OpenSSL.
  EXPECT_EQ(scrape.Find("keyward_certificate_expiry_timestamp_seconds").size(),
            static_cast<size_t>(keys.keys_size()));
  for (const v1::KeyInfo& key : keys.keys()) {
    const int64_t not_after = testing::ValidityOf(leaf_of[key.key_id()]).second;
    ASSERT_GT(not_after, absl::ToUnixSeconds(window_start)) << key.name();
    EXPECT_EQ(
        scrape.Value("keyward_certificate_expiry_timestamp_seconds",
                     {{"key_id", key.key_id()}, {"key_name", key.name()}}),
        static_cast<double>(not_after))
        << key.name();
  }

  // Identities and request ids are not labels.
  EXPECT_FALSE(absl::StrContains(scrape.body, "spiffe://"));
  EXPECT_FALSE(absl::StrContains(scrape.body, kRequestId));
}

}  // namespace
}  // namespace keyward
