#include "keystore/internal/constant_time.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace keyward::keystore::internal {
namespace {

constexpr size_t kTrue = ~size_t{0};
constexpr size_t kMax = std::numeric_limits<size_t>::max();
constexpr size_t kTopBit = size_t{1} << (sizeof(size_t) * 8 - 1);

// Values around every boundary the mask formulas depend on: zero, the byte
// range, the top bit, and the largest value. 310 distinct values.
std::vector<size_t> EdgeValues() {
  std::vector<size_t> values;
  for (size_t v = 0; v < 300; ++v) values.push_back(v);
  for (size_t base : {kTopBit + 2, kMax}) {
    for (size_t d = 0; d < 5; ++d) values.push_back(base - d);
  }
  return values;
}

size_t Expected(bool condition) { return condition ? kTrue : 0; }

TEST(ConstantTimeTest, MsbMask) {
  int checked = 0;
  for (size_t x : EdgeValues()) {
    EXPECT_EQ(CtMsbMask(x), Expected(x >= kTopBit)) << x;
    ++checked;
  }
  EXPECT_EQ(checked, 310);
}

TEST(ConstantTimeTest, IsZeroMask) {
  for (size_t x : EdgeValues()) {
    EXPECT_EQ(CtIsZeroMask(x), Expected(x == 0)) << x;
  }
}

TEST(ConstantTimeTest, ComparisonMasks) {
  const std::vector<size_t> values = EdgeValues();
  int checked = 0;
  for (size_t a : values) {
    for (size_t b : values) {
      ASSERT_EQ(CtEqMask(a, b), Expected(a == b)) << a << " == " << b;
      ASSERT_EQ(CtLtMask(a, b), Expected(a < b)) << a << " < " << b;
      ASSERT_EQ(CtGeMask(a, b), Expected(a >= b)) << a << " >= " << b;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 310 * 310);
}

TEST(ConstantTimeTest, Select) {
  EXPECT_EQ(CtSelect(kTrue, 7, 9), 7u);
  EXPECT_EQ(CtSelect(0, 7, 9), 9u);
  EXPECT_EQ(CtSelect(kTrue, kMax, 0), kMax);
  EXPECT_EQ(CtSelect(0, kMax, 0), 0u);
}

TEST(ConstantTimeTest, SelectBytes) {
  const std::vector<uint8_t> a = {0x00, 0x5a, 0xff, 0x81};
  const std::vector<uint8_t> b = {0xff, 0xa5, 0x00, 0x18};
  std::vector<uint8_t> out(4);
  CtSelectBytes(kTrue, a, b, absl::MakeSpan(out));
  EXPECT_EQ(out, a);
  CtSelectBytes(0, a, b, absl::MakeSpan(out));
  EXPECT_EQ(out, b);
}

TEST(ConstantTimeDeathTest, SelectBytesAbortsOnLengthMismatch) {
  const std::vector<uint8_t> a(4), b(3);
  std::vector<uint8_t> out(4);
  EXPECT_DEATH(CtSelectBytes(0, a, b, absl::MakeSpan(out)), "");
}

}  // namespace
}  // namespace keyward::keystore::internal
