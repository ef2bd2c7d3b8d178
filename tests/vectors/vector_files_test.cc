#include "tests/vectors/vector_files.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::vectors {
namespace {

using ::testing::HasSubstr;

TEST(ReadVectorFileTest, MissingFileIsNotFoundAndNamesTheFile) {
  absl::StatusOr<std::string> contents = ReadVectorFile("no/such/file.json");
  EXPECT_EQ(contents.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(contents.status().message(), HasSubstr("no/such/file.json"));
}

TEST(ReadVectorFileTest, ReadsAPresentFile) {
  absl::StatusOr<std::string> contents =
      ReadVectorFile("rfc/rfc5869_hkdf_test_cases.json");
  if (absl::IsNotFound(contents.status()) && !VectorsRequired()) {
    GTEST_SKIP() << contents.status().message();
  }
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_THAT(*contents, HasSubstr("\"tests\""));
}

TEST(ReadVectorJsonTest, NonJsonFileIsDataLoss) {
  absl::StatusOr<nlohmann::json> parsed = ReadVectorJson("rfc/rfc5869.txt");
  if (absl::IsNotFound(parsed.status()) && !VectorsRequired()) {
    GTEST_SKIP() << parsed.status().message();
  }
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss);
}

TEST(ReadVectorJsonTest, MacroDeclaresParsedJson) {
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(json, "rfc/rfc5869_hkdf_test_cases.json");
  ASSERT_TRUE(json.contains("tests"));
  EXPECT_EQ(json["tests"].size(), 7u);
}

TEST(HexFieldTest, DecodesAndNamesBadFields) {
  const nlohmann::json object = {{"ok", "0aFF"}, {"bad", "0x"}, {"num", 3}};
  absl::StatusOr<std::vector<uint8_t>> ok = HexField(object, "ok");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, (std::vector<uint8_t>{0x0a, 0xff}));
  for (const char* key : {"bad", "num", "missing"}) {
    absl::StatusOr<std::vector<uint8_t>> bytes = HexField(object, key);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(bytes.status().message(), HasSubstr(key));
  }
}

TEST(VectorsRequiredTest, OnlyTheValueOneRequires) {
  const char* saved = std::getenv("KEYWARD_REQUIRE_VECTORS");
  const std::string saved_value = saved == nullptr ? "" : saved;
  setenv("KEYWARD_REQUIRE_VECTORS", "1", /*overwrite=*/1);
  EXPECT_TRUE(VectorsRequired());
  setenv("KEYWARD_REQUIRE_VECTORS", "0", /*overwrite=*/1);
  EXPECT_FALSE(VectorsRequired());
  unsetenv("KEYWARD_REQUIRE_VECTORS");
  EXPECT_FALSE(VectorsRequired());
  if (saved != nullptr) {
    setenv("KEYWARD_REQUIRE_VECTORS", saved_value.c_str(), /*overwrite=*/1);
  }
}

}  // namespace
}  // namespace keyward::vectors
