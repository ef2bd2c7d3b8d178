// Checks every secret, key, IV, Finished value and HkdfLabel encoding of the
// RFC 8448 §3 (simple 1-RTT) trace, read from rfc/rfc8448_section3_1rtt.json
// at test time, through the key schedule's building blocks.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "handshake/hash_algorithm.h"
#include "handshake/hkdf.h"
#include "handshake/testing/rfc8448_trace.h"
#include "handshake/tls13_finished.h"
#include "handshake/tls13_key_schedule.h"
#include "handshake/tls13_traffic_keys.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::VectorTally;
using test::CheckTraceValue;

constexpr HashAlgorithm kHash = HashAlgorithm::kSha256;
constexpr uint16_t kSuite = 0x1301;  // TLS_AES_128_GCM_SHA256, as in §3.

TEST(Tls13Rfc8448VectorsTest, Section3SimpleOneRtt) {
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(trace, test::kRfc8448Section3File);
  ASSERT_EQ(trace.at("hash"), "SHA-256");
  VectorTally tally(test::kRfc8448Section3File);
  absl::StatusOr<std::vector<uint8_t>> shared_secret =
      HexField(trace, "ecdheSharedSecret");
  ASSERT_TRUE(shared_secret.ok()) << shared_secret.status();
  const auto empty_hash = ComputeHash(kHash, {});
  const auto ch_hash = test::Rfc8448TranscriptHash(trace, "ClientHello");
  const auto sh_hash = test::Rfc8448TranscriptHash(trace, "ServerHello");
  const auto cv_hash = test::Rfc8448TranscriptHash(trace, "CertificateVerify");
  const auto sf_hash = test::Rfc8448TranscriptHash(trace, "ServerFinished");
  const auto cf_hash = test::Rfc8448TranscriptHash(trace, "ClientFinished");
  ASSERT_TRUE(empty_hash.ok() && ch_hash.ok() && sh_hash.ok() && cv_hash.ok() &&
              sf_hash.ok() && cf_hash.ok());
  CheckTraceValue(tally, trace, "keySchedule/emptyHash", empty_hash);
  CheckTraceValue(tally, trace, "keySchedule/transcriptHash_CH_SH", sh_hash);
  CheckTraceValue(tally, trace,
                  "keySchedule/transcriptHash_CH_to_ServerFinished", sf_hash);
  CheckTraceValue(tally, trace,
                  "keySchedule/transcriptHash_CH_to_ClientFinished", cf_hash);
  CheckTraceValue(tally, trace,
                  "certificateVerify/transcriptHash_CH_to_Certificate",
                  test::Rfc8448TranscriptHash(trace, "Certificate"));

  Tls13KeyScheduleInput input;
  input.hash = kHash;
  input.shared_secret = *shared_secret;
  input.client_hello_hash = *ch_hash;
  input.server_hello_hash = *sh_hash;
  input.server_finished_hash = *sf_hash;
  input.client_finished_hash = *cf_hash;
  absl::StatusOr<Tls13Secrets> s = ComputeTls13KeySchedule(input);
  ASSERT_TRUE(s.ok()) << s.status();
  const std::pair<const char*, const SecretBytes*> secrets[] = {
      {"earlySecret", &s->early_secret},
      {"handshakeSecret", &s->handshake_secret},
      {"clientHandshakeTrafficSecret", &s->client_handshake_traffic_secret},
      {"serverHandshakeTrafficSecret", &s->server_handshake_traffic_secret},
      {"masterSecret", &s->master_secret},
      {"clientApplicationTrafficSecret0",
       &s->client_application_traffic_secret_0},
      {"serverApplicationTrafficSecret0",
       &s->server_application_traffic_secret_0},
      {"exporterMasterSecret", &s->exporter_master_secret},
      {"resumptionMasterSecret", &s->resumption_master_secret},
  };
  for (const auto& [name, value] : secrets) {
    CheckTraceValue(tally, trace, std::string("keySchedule/") + name,
                    absl::StatusOr<SecretBytes>(*value));
  }
  CheckTraceValue(tally, trace, "keySchedule/derivedForHandshake",
                  DeriveSecret(kHash, s->early_secret, "derived", *empty_hash));
  CheckTraceValue(
      tally, trace, "keySchedule/derivedForMaster",
      DeriveSecret(kHash, s->handshake_secret, "derived", *empty_hash));
  // The PSK of the ticket the server sends (RFC 8446 §4.6.1).
  const absl::StatusOr<std::vector<uint8_t>> nonce =
      test::Rfc8448TicketNonce(trace);
  ASSERT_TRUE(nonce.ok()) << nonce.status();
  CheckTraceValue(tally, trace, "keySchedule/resumptionPsk_ticketNonce00",
                  HkdfExpandLabel(kHash, s->resumption_master_secret,
                                  "resumption", *nonce, HashLength(kHash)));

  const std::pair<const char*, const SecretBytes*> directions[] = {
      {"clientHandshake", &s->client_handshake_traffic_secret},
      {"serverHandshake", &s->server_handshake_traffic_secret},
      {"clientApplication", &s->client_application_traffic_secret_0},
      {"serverApplication", &s->server_application_traffic_secret_0},
  };
  const absl::StatusOr<Tls13CipherSuite> suite = Tls13CipherSuiteFromId(kSuite);
  ASSERT_TRUE(suite.ok()) << suite.status();
  for (const auto& [name, secret] : directions) {
    absl::StatusOr<Tls13TrafficKeys> keys =
        DeriveTls13TrafficKeys(*suite, *secret);
    ASSERT_TRUE(keys.ok()) << keys.status();
    const std::string prefix = std::string("trafficKeys/") + name;
    CheckTraceValue(tally, trace, prefix + "/key",
                    absl::StatusOr<SecretBytes>(keys->key));
    CheckTraceValue(tally, trace, prefix + "/iv",
                    absl::StatusOr<SecretBytes>(keys->iv));
  }

  CheckTraceValue(tally, trace, "hkdfExpandLabelInfo/key_16",
                  EncodeHkdfLabel(16, "key", {}));
  CheckTraceValue(tally, trace, "hkdfExpandLabelInfo/iv_12",
                  EncodeHkdfLabel(12, "iv", {}));
  CheckTraceValue(tally, trace, "hkdfExpandLabelInfo/c_hs_traffic",
                  EncodeHkdfLabel(32, "c hs traffic", *sh_hash));
  CheckTraceValue(tally, trace, "hkdfExpandLabelInfo/s_hs_traffic",
                  EncodeHkdfLabel(32, "s hs traffic", *sh_hash));
  CheckTraceValue(tally, trace, "hkdfExpandLabelInfo/derived",
                  EncodeHkdfLabel(32, "derived", *empty_hash));

  // Finished (§4.4.4): the server's covers ClientHello..CertificateVerify,
  // the client's ClientHello..server Finished.
  const auto server_finished_key =
      Tls13FinishedKey(kHash, s->server_handshake_traffic_secret);
  const auto client_finished_key =
      Tls13FinishedKey(kHash, s->client_handshake_traffic_secret);
  ASSERT_TRUE(server_finished_key.ok() && client_finished_key.ok());
  CheckTraceValue(tally, trace, "serverFinished/finishedKey",
                  server_finished_key);
  CheckTraceValue(
      tally, trace, "serverFinished/verifyData",
      Tls13FinishedVerifyData(kHash, *server_finished_key, *cv_hash));
  CheckTraceValue(tally, trace, "clientFinished/finishedKey",
                  client_finished_key);
  CheckTraceValue(
      tally, trace, "clientFinished/verifyData",
      Tls13FinishedVerifyData(kHash, *client_finished_key, *sf_hash));
  tally.Finish();
}

}  // namespace
}  // namespace keyward::handshake
