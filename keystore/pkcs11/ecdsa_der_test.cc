#include "keystore/pkcs11/ecdsa_der.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::std::string_literals::operator""s;

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;

TEST(EcdsaDerTest, EncodesShortAndLongHalves) {
  // r = 1 (leading zeros dropped), s with its top bit set (a 0x00 is added
  // so that the INTEGER stays positive).
  std::string raw(64, '\0');
  raw[31] = '\x01';
  for (int i = 32; i < 64; ++i) raw[i] = '\x80';
  absl::StatusOr<std::string> der = EcdsaRawToDer(raw);
  ASSERT_THAT(der, IsOk());
  std::string expected = "\x30\x26\x02\x01\x01\x02\x21\x00"s;
  expected += std::string(32, '\x80');
  EXPECT_EQ(*der, expected);

  // Decoding it again gives the same numbers back.
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, der->size());
  ASSERT_NE(sig, nullptr);
  EXPECT_TRUE(BN_is_one(ECDSA_SIG_get0_r(sig)));
  EXPECT_EQ(BN_num_bytes(ECDSA_SIG_get0_s(sig)), 32);
  ECDSA_SIG_free(sig);
}

TEST(EcdsaDerTest, P384LengthsUseTheLongForm) {
  const std::string raw(96, '\x7f');
  absl::StatusOr<std::string> der = EcdsaRawToDer(raw);
  ASSERT_THAT(der, IsOk());
  // 2 x (02 30 + 48 bytes) = 100 bytes of content.
  EXPECT_EQ(der->size(), 102u);
  EXPECT_EQ(der->substr(0, 4), "\x30\x64\x02\x30"s);
}

TEST(EcdsaDerTest, OddOrEmptyIsInvalidArgument) {
  EXPECT_THAT(EcdsaRawToDer(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                          ::testing::HasSubstr("even length")));
  EXPECT_THAT(EcdsaRawToDer(std::string(63, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("63 bytes")));
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
