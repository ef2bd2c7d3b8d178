#include "handshake/internal/openssl_error.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::handshake::internal {
namespace {

using ::testing::HasSubstr;

TEST(OpenSslErrorTest, ReportsReasonAndClearsQueue) {
  // Fetching a digest that does not exist queues an OpenSSL error.
  EXPECT_EQ(EVP_MD_fetch(nullptr, "NO-SUCH-DIGEST", nullptr), nullptr);
  ASSERT_NE(ERR_peek_error(), 0u);
  absl::Status status = OpenSslError("EVP_MD_fetch");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("EVP_MD_fetch failed: "));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("no OpenSSL reason")));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(OpenSslErrorTest, EmptyQueueSaysSo) {
  ERR_clear_error();
  EXPECT_THAT(OpenSslError("X").message(),
              HasSubstr("X failed: no OpenSSL reason"));
}

}  // namespace
}  // namespace keyward::handshake::internal
