#include "handshake/secret_bytes.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::handshake {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SecretBytesTest, BehavesAsAByteVector) {
  SecretBytes secret = {1, 2, 3};
  secret.push_back(4);
  secret.resize(1000);  // Reallocates: the old buffer is cleansed and freed.
  secret.resize(4);
  EXPECT_THAT(secret, ElementsAre(1, 2, 3, 4));
}

TEST(SecretBytesTest, ViewsAsSpan) {
  const SecretBytes secret = {7, 8};
  absl::Span<const uint8_t> view = secret;
  EXPECT_EQ(view.data(), secret.data());
  EXPECT_EQ(view.size(), 2u);
}

TEST(SecretBytesTest, MoveLeavesSourceEmpty) {
  SecretBytes source = {1, 2, 3};
  const uint8_t* buffer = source.data();
  SecretBytes target = std::move(source);
  EXPECT_EQ(target.data(), buffer);  // The buffer moves; nothing is copied.
  EXPECT_THAT(source, IsEmpty());    // NOLINT(bugprone-use-after-move)
}

TEST(CleansingAllocatorTest, AllocatorsCompareEqualAcrossTypes) {
  CleansingAllocator<uint8_t> bytes;
  CleansingAllocator<int> ints(bytes);
  EXPECT_TRUE(bytes == ints);
  EXPECT_FALSE(bytes != ints);
}

TEST(CleansingAllocatorTest, AllocatesAndDeallocates) {
  CleansingAllocator<uint32_t> allocator;
  uint32_t* p = allocator.allocate(16);
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 16; ++i) p[i] = 0xdeadbeef;
  allocator.deallocate(p, 16);  // ASan checks the size and ownership.
}

}  // namespace
}  // namespace keyward::handshake
