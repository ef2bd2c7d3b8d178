// DeriveSessionKeys through the generated stub: the TLS 1.3 schedule
// reproduces RFC 8448 §3 byte for byte (read from the shared vectors), and
// the TLS 1.2 key block is split as OpenSSL's TLS1-PRF computes it.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/test_server.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward {
namespace {

constexpr char kRfc8448File[] = "rfc/rfc8448_section3_1rtt.json";

class SessionKeysTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("session-keys");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() { delete server_; }

  static grpc::Status Derive(char edge,
                             const v1::DeriveSessionKeysRequest& request,
                             v1::DeriveSessionKeysResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return server_->KeyService(edge)->DeriveSessionKeys(&context, request,
                                                        response);
  }

  static testing::TestServer* server_;
};

testing::TestServer* SessionKeysTest::server_ = nullptr;

// Field returns the bytes of the hex string at `path` in the trace.
std::string Field(const nlohmann::json& trace, const std::string& path) {
  const nlohmann::json::json_pointer pointer("/" + path);
  if (!trace.contains(pointer)) {
    ADD_FAILURE() << "trace has no " << path;
    return "";
  }
  absl::StatusOr<std::vector<uint8_t>> bytes =
      vectors::HexToBytes(trace[pointer].get<std::string>());
  EXPECT_TRUE(bytes.ok()) << path << ": " << bytes.status();
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : "";
}

void Check(vectors::VectorTally& tally, const nlohmann::json& trace,
           const std::string& path, const std::string& actual) {
  tally.Record(
      path,
      vectors::MatchesHex(
          path, std::vector<uint8_t>(actual.begin(), actual.end()),
          trace[nlohmann::json::json_pointer("/" + path)].get<std::string>()));
}

TEST_F(SessionKeysTest, Tls13ReproducesRfc8448Section3) {
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(trace, kRfc8448File);
  ASSERT_EQ(trace.at("cipherSuite").get<std::string>().find("0x1301") !=
                std::string::npos,
            true);
  v1::DeriveSessionKeysRequest request;
  v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
  tls13->set_cipher_suite(0x1301);
  tls13->set_shared_secret(Field(trace, "ecdheSharedSecret"));
  tls13->set_server_hello_hash(
      Field(trace, "keySchedule/transcriptHash_CH_SH"));
  tls13->set_server_finished_hash(
      Field(trace, "keySchedule/transcriptHash_CH_to_ServerFinished"));
  tls13->set_client_finished_hash(
      Field(trace, "keySchedule/transcriptHash_CH_to_ClientFinished"));

  // Every identity gets the same answer: no key is involved.
  for (char edge : {'a', 'b'}) {
    vectors::VectorTally tally(kRfc8448File);
    v1::DeriveSessionKeysResponse response;
    grpc::Status status = Derive(edge, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_TRUE(response.has_tls13());
    const v1::Tls13SessionKeys& keys = response.tls13();
    Check(tally, trace, "keySchedule/clientHandshakeTrafficSecret",
          keys.client_handshake().secret());
    Check(tally, trace, "keySchedule/serverHandshakeTrafficSecret",
          keys.server_handshake().secret());
    Check(tally, trace, "keySchedule/clientApplicationTrafficSecret0",
          keys.client_application().secret());
    Check(tally, trace, "keySchedule/serverApplicationTrafficSecret0",
          keys.server_application().secret());
    Check(tally, trace, "keySchedule/exporterMasterSecret",
          keys.exporter_master_secret());
    Check(tally, trace, "keySchedule/resumptionMasterSecret",
          keys.resumption_master_secret());
    Check(tally, trace, "trafficKeys/clientHandshake/key",
          keys.client_handshake().key());
    Check(tally, trace, "trafficKeys/clientHandshake/iv",
          keys.client_handshake().iv());
    Check(tally, trace, "trafficKeys/serverHandshake/key",
          keys.server_handshake().key());
    Check(tally, trace, "trafficKeys/serverHandshake/iv",
          keys.server_handshake().iv());
    Check(tally, trace, "trafficKeys/clientApplication/key",
          keys.client_application().key());
    Check(tally, trace, "trafficKeys/clientApplication/iv",
          keys.client_application().iv());
    Check(tally, trace, "trafficKeys/serverApplication/key",
          keys.server_application().key());
    Check(tally, trace, "trafficKeys/serverApplication/iv",
          keys.server_application().iv());
    tally.Finish();
    EXPECT_EQ(tally.passed(), 14);
  }
}

TEST_F(SessionKeysTest, Tls12SplitsTheKeyBlock) {
  const std::string master(48, 'M'), client(32, 'C'), server(32, 'S');
  const struct {
    uint32_t suite;
    const char* prf;
    size_t mac, key, iv;
  } kSuites[] = {
      {0xC02F, "SHA2-256", 0, 16, 4},
      {0xC02C, "SHA2-384", 0, 32, 4},
      {0xCCA9, "SHA2-256", 0, 32, 12},
      {0xC024, "SHA2-384", 48, 32, 0},
  };
  for (const auto& suite : kSuites) {
    v1::DeriveSessionKeysRequest request;
    request.mutable_tls12()->set_cipher_suite(suite.suite);
    request.mutable_tls12()->set_master_secret(master);
    request.mutable_tls12()->set_client_random(client);
    request.mutable_tls12()->set_server_random(server);
    v1::DeriveSessionKeysResponse response;
    grpc::Status status = Derive('a', request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::string block = testing::OpenSslTlsPrf(
        suite.prf, master, "key expansion", server + client,
        2 * (suite.mac + suite.key + suite.iv));
    const v1::Tls12SessionKeys& keys = response.tls12();
    EXPECT_EQ(keys.client_write_mac_key() + keys.server_write_mac_key() +
                  keys.client_write_key() + keys.server_write_key() +
                  keys.client_write_iv() + keys.server_write_iv(),
              block)
        << suite.suite;
    EXPECT_EQ(keys.client_write_key().size(), suite.key);
    EXPECT_EQ(keys.server_write_iv().size(), suite.iv);
    EXPECT_EQ(keys.client_write_mac_key().size(), suite.mac);
  }
}

}  // namespace
}  // namespace keyward
