#include "handshake/tls13_finished.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/hkdf.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

// StreamedHmac computes HMAC through the EVP_MAC context API, a different
// OpenSSL entry point from the one-shot the code under test uses.
std::vector<uint8_t> StreamedHmac(HashAlgorithm hash,
                                  const std::vector<uint8_t>& key,
                                  const std::vector<uint8_t>& data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(
      EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      EVP_MAC_CTX_new(mac.get()), EVP_MAC_CTX_free);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(
          OSSL_MAC_PARAM_DIGEST, const_cast<char*>(OpenSslDigestName(hash)), 0),
      OSSL_PARAM_construct_end()};
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  size_t length = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1) {
    return {};
  }
  out.resize(length);
  return out;
}

class Tls13FinishedTest : public ::testing::TestWithParam<HashAlgorithm> {
 protected:
  HashAlgorithm hash() const { return GetParam(); }
  std::vector<uint8_t> Bytes(size_t n) const {
    return std::vector<uint8_t>(n, 0x6b);
  }
  size_t hash_length() const { return HashLength(GetParam()); }
};

TEST_P(Tls13FinishedTest, FinishedKeyIsExpandLabelFinished) {
  const std::vector<uint8_t> base_key = Bytes(hash_length());
  absl::StatusOr<SecretBytes> key = Tls13FinishedKey(hash(), base_key);
  absl::StatusOr<SecretBytes> expected =
      HkdfExpandLabel(hash(), base_key, "finished", {}, hash_length());
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(expected, IsOk());
  EXPECT_EQ(*key, *expected);
}

TEST_P(Tls13FinishedTest, VerifyDataIsHmacOfTheTranscriptHash) {
  const std::vector<uint8_t> key = Bytes(hash_length());
  const std::vector<uint8_t> transcript(hash_length(), 0x71);
  absl::StatusOr<std::vector<uint8_t>> verify_data =
      Tls13FinishedVerifyData(hash(), key, transcript);
  ASSERT_THAT(verify_data, IsOk());
  EXPECT_EQ(*verify_data, StreamedHmac(hash(), key, transcript));
}

TEST_P(Tls13FinishedTest, InputsMustBeHashLen) {
  const std::vector<uint8_t> good = Bytes(hash_length());
  for (size_t bad : {size_t{0}, hash_length() - 1, hash_length() + 1}) {
    EXPECT_THAT(Tls13FinishedKey(hash(), Bytes(bad)),
                StatusIs(kInvalidArgument, HasSubstr("base_key")));
    EXPECT_THAT(Tls13FinishedVerifyData(hash(), Bytes(bad), good),
                StatusIs(kInvalidArgument, HasSubstr("finished_key")));
    EXPECT_THAT(Tls13FinishedVerifyData(hash(), good, Bytes(bad)),
                StatusIs(kInvalidArgument, HasSubstr("transcript_hash")));
  }
}

INSTANTIATE_TEST_SUITE_P(All, Tls13FinishedTest,
                         ::testing::Values(HashAlgorithm::kSha256,
                                           HashAlgorithm::kSha384),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(Tls13FinishedTest, UnsupportedHashIsInvalidArgument) {
  const auto bad = static_cast<HashAlgorithm>(5);
  const std::vector<uint8_t> bytes(32, 1);
  EXPECT_THAT(Tls13FinishedKey(bad, bytes),
              StatusIs(kInvalidArgument, HasSubstr("hash")));
  EXPECT_THAT(Tls13FinishedVerifyData(bad, bytes, bytes),
              StatusIs(kInvalidArgument, HasSubstr("hash")));
}

}  // namespace
}  // namespace keyward::handshake
