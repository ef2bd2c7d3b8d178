#include "keystore/internal/pkcs1_type2.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace keyward::keystore::internal {
namespace {

constexpr size_t kTrue = ~size_t{0};
constexpr size_t kModulusLength = 256;  // RSA-2048

// Encode returns 0x00 || 0x02 || PS || 0x00 || message, PS being
// `padding_length` nonzero bytes.
std::vector<uint8_t> Encode(size_t padding_length,
                            const std::vector<uint8_t>& message) {
  std::vector<uint8_t> em = {0x00, 0x02};
  for (size_t i = 0; i < padding_length; ++i) {
    em.push_back(static_cast<uint8_t>(1 + i % 255));
  }
  em.push_back(0x00);
  em.insert(em.end(), message.begin(), message.end());
  return em;
}

// EncodeForModulus encodes `message_length` bytes (which include zeros) into
// kModulusLength bytes.
std::vector<uint8_t> EncodeForModulus(size_t message_length) {
  std::vector<uint8_t> message(message_length);
  for (size_t i = 0; i < message_length; ++i) {
    message[i] = static_cast<uint8_t>(i * 7);
  }
  return Encode(kModulusLength - 3 - message_length, message);
}

TEST(DecodePkcs1Type2Test, ValidForEveryMessageLength) {
  int checked = 0;
  for (size_t length = 0; length <= kModulusLength - kPkcs1Type2Overhead;
       ++length) {
    const std::vector<uint8_t> em = EncodeForModulus(length);
    ASSERT_EQ(em.size(), kModulusLength);
    const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
    ASSERT_EQ(decoding.good, kTrue) << "message length " << length;
    ASSERT_EQ(decoding.message_offset, kModulusLength - length);
    ++checked;
  }
  EXPECT_EQ(checked, 246);
}

TEST(DecodePkcs1Type2Test, ShortestEncodingIsValid) {
  const std::vector<uint8_t> em = Encode(kPkcs1Type2MinPaddingLength, {});
  ASSERT_EQ(em.size(), kPkcs1Type2Overhead);
  const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
  EXPECT_EQ(decoding.good, kTrue);
  EXPECT_EQ(decoding.message_offset, em.size());
}

TEST(DecodePkcs1Type2Test, TooShortIsInvalid) {
  for (size_t length = 0; length < kPkcs1Type2Overhead; ++length) {
    std::vector<uint8_t> em(length, 0x01);
    if (length >= 2) em[1] = 0x02;
    if (length >= 1) em[0] = 0x00;
    EXPECT_EQ(DecodePkcs1Type2(em).good, 0u) << "length " << length;
  }
}

TEST(DecodePkcs1Type2Test, WrongLeadingBytesAreInvalid) {
  int checked = 0;
  for (int value = 0; value < 256; ++value) {
    std::vector<uint8_t> em = EncodeForModulus(48);
    em[0] = static_cast<uint8_t>(value);
    EXPECT_EQ(DecodePkcs1Type2(em).good, value == 0x00 ? kTrue : 0) << value;
    em = EncodeForModulus(48);
    em[1] = static_cast<uint8_t>(value);
    EXPECT_EQ(DecodePkcs1Type2(em).good, value == 0x02 ? kTrue : 0) << value;
    ++checked;
  }
  EXPECT_EQ(checked, 256);
}

TEST(DecodePkcs1Type2Test, PaddingShorterThanEightBytesIsInvalid) {
  // A zero at index 2 + i ends PS after i bytes.
  for (size_t i = 0; i <= kPkcs1Type2MinPaddingLength; ++i) {
    std::vector<uint8_t> em = EncodeForModulus(48);
    em[2 + i] = 0x00;
    const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
    EXPECT_EQ(decoding.good, i < kPkcs1Type2MinPaddingLength ? 0 : kTrue)
        << "padding length " << i;
    if (decoding.good) {
      EXPECT_EQ(decoding.message_offset, 2 + i + 1);
    }
  }
}

TEST(DecodePkcs1Type2Test, MissingSeparatorIsInvalid) {
  std::vector<uint8_t> em(kModulusLength, 0xff);
  em[0] = 0x00;
  em[1] = 0x02;
  EXPECT_EQ(DecodePkcs1Type2(em).good, 0u);
  // A zero in the last byte is a separator before an empty message.
  em.back() = 0x00;
  const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
  EXPECT_EQ(decoding.good, kTrue);
  EXPECT_EQ(decoding.message_offset, kModulusLength);
}

TEST(DecodePkcs1Type2Test, FirstZeroIsTheSeparator) {
  // The message itself starts with zeros; they belong to M.
  const std::vector<uint8_t> em = Encode(20, {0x00, 0x00, 0x07});
  const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
  EXPECT_EQ(decoding.good, kTrue);
  EXPECT_EQ(decoding.message_offset, 2 + 20 + 1u);
}

TEST(DecodePkcs1Type2Test, AllZerosIsInvalid) {
  EXPECT_EQ(DecodePkcs1Type2(std::vector<uint8_t>(kModulusLength, 0)).good, 0u);
}

}  // namespace
}  // namespace keyward::keystore::internal
