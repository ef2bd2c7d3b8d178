#include "handshake/internal/evp_kdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::handshake::internal {
namespace {

using ::testing::HasSubstr;

TEST(OctetParamTest, EmptySpanHasNonNullData) {
  OSSL_PARAM param = OctetParam(OSSL_KDF_PARAM_SALT, {});
  EXPECT_NE(param.data, nullptr);
  EXPECT_EQ(param.data_size, 0u);
}

TEST(OctetParamTest, ViewsTheBytes) {
  const std::vector<uint8_t> bytes = {1, 2, 3};
  OSSL_PARAM param = OctetParam(OSSL_KDF_PARAM_KEY, bytes);
  EXPECT_EQ(param.data, bytes.data());
  EXPECT_EQ(param.data_size, 3u);
}

TEST(DeriveWithKdfTest, UnknownKdfIsInternal) {
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_end()};
  absl::StatusOr<SecretBytes> out = DeriveWithKdf("NO-SUCH-KDF", params, 16);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(out.status().message(), HasSubstr("EVP_KDF_fetch(NO-SUCH-KDF)"));
}

TEST(DeriveWithKdfTest, MissingParametersAreInternal) {
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_end()};
  absl::StatusOr<SecretBytes> out = DeriveWithKdf("HKDF", params, 16);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(out.status().message(), HasSubstr("EVP_KDF_derive(HKDF)"));
}

}  // namespace
}  // namespace keyward::handshake::internal
