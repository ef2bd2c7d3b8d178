#include "keystore/internal/pkcs1_pre_master.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace keyward::keystore::internal {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr size_t kTrue = ~size_t{0};
constexpr size_t kModulusLength = 256;  // RSA-2048
constexpr uint16_t kVersion = 0x0303;   // TLS 1.2

// PreMaster returns `length` bytes starting with `version`, big-endian.
std::vector<uint8_t> PreMaster(uint16_t version, size_t length) {
  std::vector<uint8_t> message(length);
  for (size_t i = 0; i < length; ++i) {
    message[i] = static_cast<uint8_t>(0x40 + i);
  }
  if (length >= 1) message[0] = static_cast<uint8_t>(version >> 8);
  if (length >= 2) message[1] = static_cast<uint8_t>(version & 0xff);
  return message;
}

// Encode returns the `em_length`-byte PKCS #1 v1.5 type 2 encoding of
// `message`.
std::vector<uint8_t> Encode(const std::vector<uint8_t>& message,
                            size_t em_length = kModulusLength) {
  std::vector<uint8_t> em = {0x00, 0x02};
  while (em.size() < em_length - message.size() - 1) em.push_back(0xa5);
  em.push_back(0x00);
  em.insert(em.end(), message.begin(), message.end());
  return em;
}

std::vector<uint8_t> Synthetic() { return std::vector<uint8_t>(48, 0x5e); }

// Select runs SelectPkcs1PreMaster and returns its output.
std::vector<uint8_t> Select(const std::vector<uint8_t>& em, uint16_t version) {
  std::vector<uint8_t> out(kPreMasterLength);
  SelectPkcs1PreMaster(em, version, Synthetic(), absl::MakeSpan(out));
  return out;
}

TEST(Pkcs1PreMasterTest, ValidEncodingGivesThePreMaster) {
  const std::vector<uint8_t> pre_master = PreMaster(kVersion, 48);
  const std::vector<uint8_t> em = Encode(pre_master);
  EXPECT_EQ(Pkcs1PreMasterMask(em, kVersion), kTrue);
  EXPECT_EQ(Select(em, kVersion), pre_master);
}

TEST(Pkcs1PreMasterTest, ShortestModulusThatFitsIsAccepted) {
  const std::vector<uint8_t> pre_master = PreMaster(kVersion, 48);
  const std::vector<uint8_t> em = Encode(pre_master, 59);
  EXPECT_EQ(Pkcs1PreMasterMask(em, kVersion), kTrue);
  EXPECT_EQ(Select(em, kVersion), pre_master);
  // One byte less leaves PS seven bytes long.
  const std::vector<uint8_t> too_short = Encode(pre_master, 58);
  EXPECT_EQ(Pkcs1PreMasterMask(too_short, kVersion), 0u);
  EXPECT_EQ(Select(too_short, kVersion), Synthetic());
}

struct InvalidCase {
  std::string name;
  std::vector<uint8_t> em;
};

std::vector<InvalidCase> InvalidCases() {
  std::vector<InvalidCase> cases;
  const std::vector<uint8_t> valid = Encode(PreMaster(kVersion, 48));
  cases.push_back({"major version", Encode(PreMaster(0x0203, 48))});
  cases.push_back({"minor version", Encode(PreMaster(0x0301, 48))});
  cases.push_back({"47 bytes", Encode(PreMaster(kVersion, 47))});
  cases.push_back({"49 bytes", Encode(PreMaster(kVersion, 49))});
  cases.push_back({"0 bytes", Encode({})});
  std::vector<uint8_t> em = valid;
  em[0] = 0x01;
  cases.push_back({"first byte 01", em});
  em = valid;
  em[1] = 0x01;
  cases.push_back({"block type 01", em});
  em = valid;
  em[1] = 0x00;
  cases.push_back({"block type 00", em});
  em = valid;
  em[9] = 0x00;  // PS is 7 bytes; M would be the remaining 246 bytes
  cases.push_back({"padding of 7 bytes", em});
  em = valid;
  em[kModulusLength - 49] = 0x01;
  cases.push_back({"no separator", em});
  cases.push_back({"all zeros", std::vector<uint8_t>(kModulusLength, 0x00)});
  cases.push_back({"all ones", std::vector<uint8_t>(kModulusLength, 0xff)});
  return cases;
}

TEST(Pkcs1PreMasterTest, InvalidEncodingsGiveTheSyntheticValue) {
  int checked = 0;
  for (const InvalidCase& c : InvalidCases()) {
    ASSERT_EQ(c.em.size(), kModulusLength) << c.name;
    EXPECT_EQ(Pkcs1PreMasterMask(c.em, kVersion), 0u) << c.name;
    EXPECT_EQ(Select(c.em, kVersion), Synthetic()) << c.name;
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

// Messages of the wrong length arranged so that the two bytes where a
// 48-byte message would start hold the client version: only the length
// check rejects them.
TEST(Pkcs1PreMasterTest, WrongLengthWithTheVersionInPlaceIsRejected) {
  int checked = 0;
  // 49 bytes: a valid-looking pre-master preceded by one more byte.
  Bytes message = {0x55};
  const Bytes pre_master = PreMaster(kVersion, 48);
  message.insert(message.end(), pre_master.begin(), pre_master.end());
  const Bytes em_49 = Encode(message);
  // 47 bytes: the separator and the message's first byte.
  const Bytes em_47 = Encode(PreMaster(0x0303, 47));
  // 46 bytes: PS's last byte and the separator.
  const Bytes em_46 = Encode(PreMaster(0x0303, 46));
  const struct {
    const Bytes& em;
    uint16_t version;
  } cases[] = {
      {em_49, kVersion},
      {em_47, 0x0003},
      {em_46, static_cast<uint16_t>(em_46[kModulusLength - 48] << 8)},
  };
  for (const auto& c : cases) {
    const size_t start = kModulusLength - kPreMasterLength;
    ASSERT_EQ(c.em[start] << 8 | c.em[start + 1], c.version);
    EXPECT_EQ(Pkcs1PreMasterMask(c.em, c.version), 0u) << checked;
    EXPECT_EQ(Select(c.em, c.version), Synthetic()) << checked;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(Pkcs1PreMasterTest, VersionIsTheCallersNotAFixedValue) {
  const std::vector<uint8_t> em = Encode(PreMaster(0x0301, 48));
  EXPECT_EQ(Pkcs1PreMasterMask(em, 0x0301), kTrue);
  EXPECT_EQ(Pkcs1PreMasterMask(em, 0x0303), 0u);
  EXPECT_EQ(Pkcs1PreMasterMask(em, 0x0103), 0u);
}

TEST(Pkcs1PreMasterDeathTest, WrongBufferLengthsAbort) {
  const std::vector<uint8_t> em = Encode(PreMaster(kVersion, 48));
  std::vector<uint8_t> short_out(kPreMasterLength - 1);
  EXPECT_DEATH(SelectPkcs1PreMaster(em, kVersion, Synthetic(),
                                    absl::MakeSpan(short_out)),
               "");
  std::vector<uint8_t> out(kPreMasterLength);
  const std::vector<uint8_t> long_synthetic(kPreMasterLength + 1);
  EXPECT_DEATH(
      SelectPkcs1PreMaster(em, kVersion, long_synthetic, absl::MakeSpan(out)),
      "");
}

}  // namespace
}  // namespace keyward::keystore::internal
