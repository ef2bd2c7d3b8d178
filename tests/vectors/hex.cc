#include "tests/vectors/hex.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace keyward::vectors {
namespace {

// NibbleValue returns the value of hex digit `c`, or -1 if it is not one.
int NibbleValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> HexToBytes(absl::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex: odd length ", hex.size()));
  }
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); ++i) {
    const int nibble = NibbleValue(hex[i]);
    if (nibble < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("hex: not a hex digit at offset ", i));
    }
    out[i / 2] = static_cast<uint8_t>((out[i / 2] << 4) | nibble);
  }
  return out;
}

std::string BytesToHex(absl::Span<const uint8_t> bytes) {
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

::testing::AssertionResult MatchesHex(absl::string_view what,
                                      absl::Span<const uint8_t> actual,
                                      absl::string_view expected_hex) {
  absl::StatusOr<std::vector<uint8_t>> expected = HexToBytes(expected_hex);
  if (!expected.ok()) {
    return ::testing::AssertionFailure()
           << what << ": expected value is not hex: " << expected.status();
  }
  if (absl::MakeConstSpan(*expected) == actual) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << what << " differs:\n  actual:   " << BytesToHex(actual)
         << "\n  expected: " << absl::AsciiStrToLower(expected_hex);
}

}  // namespace keyward::vectors
