#include "keystore/secure_heap.h"

#include <openssl/crypto.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/private_key_pem.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::AnyOf;
using ::testing::HasSubstr;

TEST(SecureHeapTest, RefusesSizesThatAreNotPowersOfTwo) {
  for (size_t size : {size_t{0}, size_t{1000}, size_t{2048}, size_t{65535}}) {
    EXPECT_THAT(InitSecureHeap(size),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("not a power of two >= 4096")));
  }
}

TEST(SecureHeapTest, DecodedPrivateKeysLiveInTheSecureHeap) {
  // PEMs first: key generation itself is not what is measured.
  std::vector<std::pair<std::string, std::string>> pems;
  for (const char* kind : {"rsa-2048", "p256", "p384", "ed25519"}) {
    absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(kind);
    ASSERT_THAT(key, IsOk());
    absl::StatusOr<std::string> pem = testing::Pkcs8Pem(key->get());
    ASSERT_THAT(pem, IsOk());
    pems.emplace_back(kind, *pem);
  }

  absl::StatusOr<SecureHeapLock> lock = InitSecureHeap(1 << 16);
  ASSERT_THAT(lock, IsOk());
  EXPECT_THAT(*lock,
              AnyOf(SecureHeapLock::kLocked, SecureHeapLock::kNotLocked));
  EXPECT_EQ(CRYPTO_secure_malloc_initialized(), 1);
  // Once only: a second call reports the first outcome.
  absl::StatusOr<SecureHeapLock> again = InitSecureHeap(1 << 20);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *lock);

  for (const auto& [kind, pem] : pems) {
    SCOPED_TRACE(kind);
    const size_t before = CRYPTO_secure_used();
    absl::StatusOr<EvpPkeyPtr> key = ParsePrivateKeyPem(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(pem.data()),
                            pem.size()),
        nullptr, kind);
    ASSERT_THAT(key, IsOk());
    // The private numbers are in the secure heap while the key lives ...
    EXPECT_GT(CRYPTO_secure_used(), before);
    key->reset();
    // ... and returned to it (wiped) when it is freed.
    EXPECT_EQ(CRYPTO_secure_used(), before);
  }
}

}  // namespace
}  // namespace keyward::keystore
