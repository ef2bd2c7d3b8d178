// Checks DeriveTls13SessionKeys, the API the service calls, against the
// RFC 8448 §3 (simple 1-RTT) trace, read from rfc/rfc8448_section3_1rtt.json
// at test time.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "handshake/secret_bytes.h"
#include "handshake/testing/rfc8448_trace.h"
#include "handshake/tls13_session_keys.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::VectorTally;
using test::CheckTraceValue;

constexpr uint16_t kSuite = 0x1301;  // TLS_AES_128_GCM_SHA256, as in §3.

TEST(Tls13SessionKeysVectorsTest, Rfc8448Section3) {
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(trace, test::kRfc8448Section3File);
  VectorTally tally(std::string(test::kRfc8448Section3File) +
                    " (DeriveTls13SessionKeys)");
  const auto shared_secret = HexField(trace, "ecdheSharedSecret");
  const auto sh_hash = test::Rfc8448TranscriptHash(trace, "ServerHello");
  const auto sf_hash = test::Rfc8448TranscriptHash(trace, "ServerFinished");
  const auto cf_hash = test::Rfc8448TranscriptHash(trace, "ClientFinished");
  ASSERT_TRUE(shared_secret.ok() && sh_hash.ok() && sf_hash.ok() &&
              cf_hash.ok());
  Tls13SessionKeysRequest request;
  request.cipher_suite = kSuite;
  request.shared_secret = *shared_secret;
  request.server_hello_hash = *sh_hash;
  request.server_finished_hash = *sf_hash;
  request.client_finished_hash = *cf_hash;
  absl::StatusOr<Tls13SessionKeys> keys = DeriveTls13SessionKeys(request);
  ASSERT_TRUE(keys.ok()) << keys.status();
  const std::pair<const char*, const Tls13DirectionKeys*> directions[] = {
      {"clientHandshake", &keys->client_handshake},
      {"serverHandshake", &keys->server_handshake},
      {"clientApplication", &keys->client_application},
      {"serverApplication", &keys->server_application},
  };
  for (const auto& [name, direction] : directions) {
    const std::string prefix = std::string("trafficKeys/") + name;
    CheckTraceValue(tally, trace, prefix + "/key",
                    absl::StatusOr<SecretBytes>(direction->key));
    CheckTraceValue(tally, trace, prefix + "/iv",
                    absl::StatusOr<SecretBytes>(direction->iv));
  }
  const std::pair<const char*, const SecretBytes*> secrets[] = {
      {"keySchedule/clientHandshakeTrafficSecret",
       &keys->client_handshake.traffic_secret},
      {"keySchedule/serverHandshakeTrafficSecret",
       &keys->server_handshake.traffic_secret},
      {"keySchedule/clientApplicationTrafficSecret0",
       &keys->client_application.traffic_secret},
      {"keySchedule/serverApplicationTrafficSecret0",
       &keys->server_application.traffic_secret},
      {"keySchedule/exporterMasterSecret", &keys->exporter_master_secret},
      {"keySchedule/resumptionMasterSecret", &keys->resumption_master_secret},
      {"clientFinished/finishedKey", &keys->client_finished_key},
      {"serverFinished/finishedKey", &keys->server_finished_key},
  };
  for (const auto& [path, value] : secrets) {
    CheckTraceValue(tally, trace, path, absl::StatusOr<SecretBytes>(*value));
  }
  tally.Finish();
}

}  // namespace
}  // namespace keyward::handshake
