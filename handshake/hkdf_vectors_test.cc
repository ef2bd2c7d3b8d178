// Known-answer tests for HKDF from RFC 5869 Appendix A and Project
// Wycheproof, read from the external vectors folder at test time.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "handshake/hash_algorithm.h"
#include "handshake/hkdf.h"
#include "handshake/testing/vector_names.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::MatchesHex;
using ::keyward::vectors::VectorTally;
using ::nlohmann::json;

// CheckRfc5869Case checks PRK and OKM. A null salt means "not provided"
// (HashLen zeros), which HkdfExtract takes as an empty salt.
::testing::AssertionResult CheckRfc5869Case(HashAlgorithm hash,
                                            const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto ikm, HexField(test_case, "IKM"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto info, HexField(test_case, "info"));
  std::vector<uint8_t> salt;
  if (!test_case.at("salt").is_null()) {
    KEYWARD_ASSIGN_OR_RETURN_FAILURE(salt, HexField(test_case, "salt"));
  }
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto prk, HkdfExtract(hash, salt, ikm));
  if (auto result =
          MatchesHex("PRK", prk, test_case.at("PRK").get<std::string>());
      !result) {
    return result;
  }
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto okm, HkdfExpand(hash, prk, info, test_case.at("L").get<size_t>()));
  return MatchesHex("OKM", okm, test_case.at("OKM").get<std::string>());
}

TEST(HkdfVectorsTest, Rfc5869AppendixA) {
  constexpr char kFile[] = "rfc/rfc5869_hkdf_test_cases.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kFile);
  VectorTally tally(kFile);
  for (const json& test_case : vectors.at("tests")) {
    const std::string name = test_case.at("hash").get<std::string>();
    const std::optional<HashAlgorithm> hash = test::HashFromVectorName(name);
    if (!hash.has_value()) {
      ASSERT_EQ(name, "SHA-1") << "unexpected hash in " << kFile;
      tally.Skip("SHA-1 HKDF is not used by TLS 1.3");
      continue;
    }
    tally.Record(absl::StrCat("tcId ", test_case.at("tcId").get<int>()),
                 CheckRfc5869Case(*hash, test_case));
  }
  tally.Finish();
}

// CheckWycheproofCase checks a valid case's OKM, or that an invalid case
// (an output size above 255 * HashLen) is rejected with InvalidArgument.
::testing::AssertionResult CheckWycheproofCase(HashAlgorithm hash,
                                               const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto ikm, HexField(test_case, "ikm"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto salt, HexField(test_case, "salt"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto info, HexField(test_case, "info"));
  const size_t size = test_case.at("size").get<size_t>();
  const std::string result = test_case.at("result").get<std::string>();
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto prk, HkdfExtract(hash, salt, ikm));
  absl::StatusOr<SecretBytes> okm = HkdfExpand(hash, prk, info, size);
  if (result == "valid") {
    if (!okm.ok()) return ::testing::AssertionFailure() << okm.status();
    return MatchesHex("okm", *okm, test_case.at("okm").get<std::string>());
  }
  if (result == "invalid") {
    if (okm.status().code() == absl::StatusCode::kInvalidArgument) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "invalid case (size " << size
           << ") not rejected with InvalidArgument: " << okm.status();
  }
  return ::testing::AssertionFailure() << "unknown result '" << result << "'";
}

struct WycheproofFile {
  HashAlgorithm hash;
  const char* path;
};

void PrintTo(const WycheproofFile& file, std::ostream* os) { *os << file.path; }

class HkdfWycheproofTest : public ::testing::TestWithParam<WycheproofFile> {};

TEST_P(HkdfWycheproofTest, MatchesEveryCase) {
  const WycheproofFile& file = GetParam();
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, file.path);
  VectorTally tally(file.path);
  for (const json& group : vectors.at("testGroups")) {
    for (const json& test_case : group.at("tests")) {
      tally.Record(absl::StrCat("tcId ", test_case.at("tcId").get<int>()),
                   CheckWycheproofCase(file.hash, test_case));
    }
  }
  EXPECT_EQ(tally.passed(), vectors.at("numberOfTests").get<int>());
  tally.Finish();
}

INSTANTIATE_TEST_SUITE_P(
    Files, HkdfWycheproofTest,
    ::testing::Values(
        WycheproofFile{HashAlgorithm::kSha256,
                       "wycheproof/testvectors_v1/hkdf_sha256_test.json"},
        WycheproofFile{HashAlgorithm::kSha384,
                       "wycheproof/testvectors_v1/hkdf_sha384_test.json"}),
    [](const ::testing::TestParamInfo<WycheproofFile>& info) {
      return std::string(HashAlgorithmName(info.param.hash));
    });

}  // namespace
}  // namespace keyward::handshake
