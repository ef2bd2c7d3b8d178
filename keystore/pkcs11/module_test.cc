#include "keystore/pkcs11/module.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/pkcs11/testing/softhsm_token.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

TEST(ModuleTest, LoadsSoftHsmOncePerPath) {
  // Creating a token configures SoftHSM (SOFTHSM2_CONF) and loads it.
  ASSERT_THAT(testing::SoftHsmToken::Create("module-test", "1234"), IsOk());
  absl::StatusOr<std::shared_ptr<const Module>> first =
      Module::Load(testing::kSoftHsmModule);
  absl::StatusOr<std::shared_ptr<const Module>> second =
      Module::Load(testing::kSoftHsmModule);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ((*first)->path(), testing::kSoftHsmModule);
  CK_INFO info;
  ASSERT_EQ((*first)->functions()->C_GetInfo(&info), CKR_OK);
  EXPECT_EQ(info.cryptokiVersion.major, 2);
}

TEST(ModuleTest, BadPathsAreFailedPrecondition) {
  EXPECT_THAT(Module::Load("relative/libx.so"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("must be absolute")));
  EXPECT_THAT(Module::Load("/nonexistent/libpkcs11.so"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("cannot be loaded")));
  // A shared library that is no PKCS #11 module.
  EXPECT_THAT(Module::Load("/lib/x86_64-linux-gnu/libz.so.1"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no C_GetFunctionList")));
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
