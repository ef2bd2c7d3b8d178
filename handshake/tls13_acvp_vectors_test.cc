// Known-answer tests for the TLS 1.3 key schedule from NIST ACVP prompts and
// BoringSSL's answers (boringssl-acvp/TLS13.*.json), read at test time.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "handshake/hash_algorithm.h"
#include "handshake/testing/vector_names.h"
#include "handshake/tls13_key_schedule.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::MatchesHex;
using ::keyward::vectors::VectorTally;
using ::nlohmann::json;

// OptionalHexField decodes `key` if present; an absent PSK or DHE value is
// empty, which the key schedule replaces with zeros, as ACVP does.
absl::StatusOr<std::vector<uint8_t>> OptionalHexField(const json& object,
                                                      const char* key) {
  if (!object.contains(key)) return std::vector<uint8_t>();
  return HexField(object, key);
}

// Append returns `prefix` followed by `more`.
std::vector<uint8_t> Append(std::vector<uint8_t> prefix,
                            absl::Span<const uint8_t> more) {
  prefix.insert(prefix.end(), more.begin(), more.end());
  return prefix;
}

// CheckCase runs the schedule with ACVP's stand-ins for the handshake
// messages (see vectors/SOURCES.md): ClientHello = helloClientRandom,
// ServerHello = helloServerRandom, server Finished = finishedServerRandom,
// client Finished = finishedClientRandom.
::testing::AssertionResult CheckCase(HashAlgorithm hash, const json& inputs,
                                     const json& expected) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto psk, OptionalHexField(inputs, "psk"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto dhe, OptionalHexField(inputs, "dhe"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto ch,
                                   HexField(inputs, "helloClientRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto sh,
                                   HexField(inputs, "helloServerRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto sf,
                                   HexField(inputs, "finishedServerRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto cf,
                                   HexField(inputs, "finishedClientRandom"));
  const std::vector<uint8_t> ch_sh = Append(ch, sh);
  const std::vector<uint8_t> ch_sf = Append(ch_sh, sf);
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto ch_hash, ComputeHash(hash, ch));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto sh_hash, ComputeHash(hash, ch_sh));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto sf_hash, ComputeHash(hash, ch_sf));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto cf_hash,
                                   ComputeHash(hash, Append(ch_sf, cf)));
  Tls13KeyScheduleInput input;
  input.hash = hash;
  input.psk = psk;
  input.shared_secret = dhe;
  input.client_hello_hash = ch_hash;
  input.server_hello_hash = sh_hash;
  input.server_finished_hash = sf_hash;
  input.client_finished_hash = cf_hash;
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto secrets,
                                   ComputeTls13KeySchedule(input));
  const std::pair<const char*, const SecretBytes*> outputs[] = {
      {"clientEarlyTrafficSecret", &secrets.client_early_traffic_secret},
      {"earlyExporterMasterSecret", &secrets.early_exporter_master_secret},
      {"clientHandshakeTrafficSecret",
       &secrets.client_handshake_traffic_secret},
      {"serverHandshakeTrafficSecret",
       &secrets.server_handshake_traffic_secret},
      {"clientApplicationTrafficSecret",
       &secrets.client_application_traffic_secret_0},
      {"serverApplicationTrafficSecret",
       &secrets.server_application_traffic_secret_0},
      {"exporterMasterSecret", &secrets.exporter_master_secret},
      {"resumptionMasterSecret", &secrets.resumption_master_secret},
  };
  for (const auto& [name, value] : outputs) {
    if (!expected.contains(name)) {
      return ::testing::AssertionFailure() << "answer lacks " << name;
    }
    if (auto result =
            MatchesHex(name, *value, expected.at(name).get<std::string>());
        !result) {
      return result;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(Tls13AcvpVectorsTest, BoringSslAcvpKeySchedule) {
  constexpr char kVectorsFile[] = "boringssl-acvp/TLS13.vectors.json";
  constexpr char kExpectedFile[] = "boringssl-acvp/TLS13.expected.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kVectorsFile);
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(expected, kExpectedFile);
  // Each file is [session header, vector set]; join the sets by tcId.
  std::map<int, json> expected_by_id;
  for (const json& group : expected.at(1).at("testGroups")) {
    for (const json& test_case : group.at("tests")) {
      expected_by_id[test_case.at("tcId").get<int>()] = test_case;
    }
  }
  VectorTally tally(absl::StrCat(kVectorsFile, " + ", kExpectedFile));
  for (const json& group : vectors.at(1).at("testGroups")) {
    const std::string name = group.at("hmacAlg").get<std::string>();
    const std::optional<HashAlgorithm> hash = test::HashFromVectorName(name);
    for (const json& test_case : group.at("tests")) {
      const int id = test_case.at("tcId").get<int>();
      const std::string case_id = absl::StrCat(
          "tcId ", id, " (", group.at("runningMode").get<std::string>(), ", ",
          name, ")");
      auto it = expected_by_id.find(id);
      if (!hash.has_value() || it == expected_by_id.end()) {
        tally.Record(case_id, ::testing::AssertionFailure()
                                  << "unknown hash or no answer");
        continue;
      }
      tally.Record(case_id, CheckCase(*hash, test_case, it->second));
    }
  }
  EXPECT_EQ(tally.passed() + tally.failed(),
            static_cast<int>(expected_by_id.size()));
  tally.Finish();
}

}  // namespace
}  // namespace keyward::handshake
