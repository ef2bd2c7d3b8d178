#include "keystore/pkcs11/raw_rsa_check.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "keystore/internal/rsa_pre_master_testing.h"

namespace keyward::keystore::pkcs11 {
namespace {

using Bytes = std::vector<uint8_t>;

absl::Span<const uint8_t> Span(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

TEST(RawRsaCheckTest, AcceptsOnlyTheTrueDecryption) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048),
                                                          EVP_PKEY_free);
  ASSERT_NE(key, nullptr);
  // Any c < n; its true raw decryption from OpenSSL.
  std::string c(256, '\x33');
  absl::StatusOr<Bytes> em = internal::test::RawRsaPrivate(key.get(), c);
  ASSERT_TRUE(em.ok()) << em.status();
  EXPECT_TRUE(CheckRawRsaDecryption(key.get(), *em, Span(c)).ok());

  int refused = 0;
  for (size_t position : {size_t{0}, size_t{1}, size_t{128}, size_t{255}}) {
    Bytes faulty = *em;
    faulty[position] ^= 0x01;
    absl::Status status = CheckRawRsaDecryption(key.get(), faulty, Span(c));
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << position;
    EXPECT_EQ(status.message(),
              "the token's raw RSA decryption failed its check with the "
              "public key (a device fault?); withheld");
    ++refused;
  }
  EXPECT_EQ(refused, 4);
  Bytes short_em(em->begin() + 1, em->end());
  EXPECT_EQ(CheckRawRsaDecryption(key.get(), short_em, Span(c)).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
