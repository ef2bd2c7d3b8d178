#include "handshake/hash_algorithm.h"

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

class HashAlgorithmTest : public ::testing::TestWithParam<HashAlgorithm> {};

TEST_P(HashAlgorithmTest, MappingsAgreeWithOpenSsl) {
  const HashAlgorithm hash = GetParam();
  ASSERT_NE(EvpMd(hash), nullptr);
  ASSERT_NE(OpenSslDigestName(hash), nullptr);
  EXPECT_EQ(HashLength(hash),
            static_cast<size_t>(EVP_MD_get_size(EvpMd(hash))));
  // The name fetches the same digest (same NID) from the default provider.
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> fetched(
      EVP_MD_fetch(nullptr, OpenSslDigestName(hash), nullptr), EVP_MD_free);
  ASSERT_NE(fetched, nullptr);
  EXPECT_EQ(EVP_MD_get_type(fetched.get()), EVP_MD_get_type(EvpMd(hash)));
  EXPECT_THAT(CheckHashAlgorithm(hash), IsOk());
}

TEST_P(HashAlgorithmTest, ComputeHashMatchesStreamingDigest) {
  const HashAlgorithm hash = GetParam();
  const std::string text = "keyward transcript";
  const std::vector<uint8_t> data(text.begin(), text.end());
  absl::StatusOr<std::vector<uint8_t>> digest = ComputeHash(hash, data);
  ASSERT_THAT(digest, IsOk());

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  std::vector<uint8_t> expected(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  ASSERT_EQ(EVP_DigestInit_ex(ctx.get(), EvpMd(hash), nullptr), 1);
  ASSERT_EQ(EVP_DigestUpdate(ctx.get(), data.data(), 5), 1);
  ASSERT_EQ(EVP_DigestUpdate(ctx.get(), data.data() + 5, data.size() - 5), 1);
  ASSERT_EQ(EVP_DigestFinal_ex(ctx.get(), expected.data(), &length), 1);
  expected.resize(length);
  EXPECT_EQ(*digest, expected);
}

TEST_P(HashAlgorithmTest, ComputeHashOfEmptyInput) {
  absl::StatusOr<std::vector<uint8_t>> digest = ComputeHash(GetParam(), {});
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(digest->size(), HashLength(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(All, HashAlgorithmTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSha384,
                                           HashAlgorithm::kSha512),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(HashAlgorithmTest, LengthsAndNames) {
  EXPECT_EQ(HashLength(HashAlgorithm::kSha256), 32u);
  EXPECT_EQ(HashLength(HashAlgorithm::kSha384), 48u);
  EXPECT_EQ(HashLength(HashAlgorithm::kSha512), 64u);
  EXPECT_STREQ(OpenSslDigestName(HashAlgorithm::kSha384), "SHA2-384");
}

TEST(HashAlgorithmTest, ValueOutsideTheEnumIsRejected) {
  const auto bad = static_cast<HashAlgorithm>(99);
  EXPECT_EQ(EvpMd(bad), nullptr);
  EXPECT_EQ(OpenSslDigestName(bad), nullptr);
  EXPECT_EQ(HashLength(bad), 0u);
  EXPECT_EQ(HashAlgorithmName(bad), "Unknown");
  EXPECT_THAT(CheckHashAlgorithm(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")));
  EXPECT_THAT(ComputeHash(bad, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")));
}

}  // namespace
}  // namespace keyward::handshake
