// Known-answer tests for the TLS 1.2 PRF, master secret (plain and extended)
// and key block, from the IETF TLS list, NIST ACVP and BoringSSL's ACVP
// answers, read from the external vectors folder at test time.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "handshake/hash_algorithm.h"
#include "handshake/testing/vector_names.h"
#include "handshake/tls12_prf.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::MatchesHex;
using ::keyward::vectors::VectorTally;
using ::nlohmann::json;

std::string CaseId(const json& test_case) {
  return absl::StrCat("tcId ", test_case.at("tcId").get<int>());
}

::testing::AssertionResult CheckPrfCase(HashAlgorithm hash,
                                        const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto secret, HexField(test_case, "secret"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto seed, HexField(test_case, "seed"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto output,
      Tls12Prf(hash, secret, test_case.at("label").get<std::string>(), seed,
               test_case.at("outputLength").get<size_t>()));
  return MatchesHex("output", output,
                    test_case.at("output").get<std::string>());
}

TEST(Tls12PrfVectorsTest, IetfTlsList) {
  constexpr char kFile[] = "tls12-prf-ietf/tls12_prf_ietf_tls_list.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kFile);
  VectorTally tally(kFile);
  for (const json& test_case : vectors.at("tests")) {
    const std::string name = test_case.at("hash").get<std::string>();
    const std::optional<HashAlgorithm> hash = test::HashFromVectorName(name);
    if (!hash.has_value()) {
      ASSERT_EQ(name, "SHA-224") << "unexpected hash in " << kFile;
      tally.Skip("SHA-224 is not the PRF hash of any TLS 1.2 cipher suite");
      continue;
    }
    tally.Record(CaseId(test_case), CheckPrfCase(*hash, test_case));
  }
  tally.Finish();
}

// CheckKeyBlock checks Tls12KeyBlock(master_secret, serverRandom,
// clientRandom) against expected["keyBlock"].
::testing::AssertionResult CheckKeyBlock(HashAlgorithm hash,
                                         const SecretBytes& master_secret,
                                         const json& inputs,
                                         const json& expected) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto client_random,
                                   HexField(inputs, "clientRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto server_random,
                                   HexField(inputs, "serverRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto expected_block,
                                   HexField(expected, "keyBlock"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto key_block, Tls12KeyBlock(hash, master_secret, server_random,
                                    client_random, expected_block.size()));
  return MatchesHex("keyBlock", key_block,
                    expected.at("keyBlock").get<std::string>());
}

// CheckEmsCase checks the RFC 7627 master secret and the key block.
::testing::AssertionResult CheckEmsCase(HashAlgorithm hash, const json& inputs,
                                        const json& expected) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto pms,
                                   HexField(inputs, "preMasterSecret"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto session_hash,
                                   HexField(inputs, "sessionHash"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto master_secret, Tls12ExtendedMasterSecret(hash, pms, session_hash));
  if (auto result = MatchesHex("masterSecret", master_secret,
                               expected.at("masterSecret").get<std::string>());
      !result) {
    return result;
  }
  return CheckKeyBlock(hash, master_secret, inputs, expected);
}

// CheckMasterSecretCase checks the RFC 5246 §8.1 master secret, computed
// from the hello randoms, and the key block.
::testing::AssertionResult CheckMasterSecretCase(HashAlgorithm hash,
                                                 const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto pms,
                                   HexField(test_case, "preMasterSecret"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto client_hello_random,
                                   HexField(test_case, "clientHelloRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto server_hello_random,
                                   HexField(test_case, "serverHelloRandom"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto master_secret,
      Tls12MasterSecret(hash, pms, client_hello_random, server_hello_random));
  if (auto result = MatchesHex("masterSecret", master_secret,
                               test_case.at("masterSecret").get<std::string>());
      !result) {
    return result;
  }
  return CheckKeyBlock(hash, master_secret, test_case, test_case);
}

// ForEachAcvpCase calls `check(hash, test_case)` for every case of an ACVP
// vector set and records the result.
template <typename Check>
void ForEachAcvpCase(const json& vector_set, VectorTally& tally, Check check) {
  for (const json& group : vector_set.at("testGroups")) {
    const std::string name = group.at("hashAlg").get<std::string>();
    const std::optional<HashAlgorithm> hash = test::HashFromVectorName(name);
    for (const json& test_case : group.at("tests")) {
      if (!hash.has_value()) {
        tally.Record(CaseId(test_case), ::testing::AssertionFailure()
                                            << "unknown hash " << name);
        continue;
      }
      tally.Record(CaseId(test_case), check(*hash, test_case));
    }
  }
}

TEST(Tls12PrfVectorsTest, NistAcvpExtendedMasterSecret) {
  constexpr char kFile[] = "nist-acvp/TLS-v1.2-KDF-RFC7627.subset.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kFile);
  VectorTally tally(kFile);
  ForEachAcvpCase(vectors, tally, [](HashAlgorithm hash, const json& tc) {
    return CheckEmsCase(hash, tc, tc);
  });
  tally.Finish();
}

TEST(Tls12PrfVectorsTest, NistAcvpMasterSecretAndKeyBlock) {
  constexpr char kFile[] = "nist-acvp/kdf-components-tls-1.0.v1.2.subset.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kFile);
  VectorTally tally(kFile);
  ForEachAcvpCase(vectors, tally, CheckMasterSecretCase);
  tally.Finish();
}

TEST(Tls12PrfVectorsTest, BoringSslAcvpExtendedMasterSecret) {
  constexpr char kVectorsFile[] = "boringssl-acvp/TLS12.vectors.json";
  constexpr char kExpectedFile[] = "boringssl-acvp/TLS12.expected.json";
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
  ForEachAcvpCase(vectors.at(1), tally,
                  [&](HashAlgorithm hash, const json& tc) {
                    auto it = expected_by_id.find(tc.at("tcId").get<int>());
                    if (it == expected_by_id.end()) {
                      return ::testing::AssertionFailure() << "no answer";
                    }
                    return CheckEmsCase(hash, tc, it->second);
                  });
  EXPECT_EQ(tally.passed() + tally.failed(),
            static_cast<int>(expected_by_id.size()));
  tally.Finish();
}

}  // namespace
}  // namespace keyward::handshake
