#include "keystore/pkcs11/return_value.h"

#include "gtest/gtest.h"

namespace keyward::keystore::pkcs11 {
namespace {

TEST(ReturnValueTest, NamesKnownAndUnknownValues) {
  EXPECT_EQ(ReturnValueName(CKR_OK), "CKR_OK");
  EXPECT_EQ(ReturnValueName(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT");
  EXPECT_EQ(ReturnValueName(CKR_SESSION_HANDLE_INVALID),
            "CKR_SESSION_HANDLE_INVALID");
  EXPECT_EQ(ReturnValueName(0x80001234), "CKR_0x80001234");
}

TEST(ReturnValueTest, TokenLossIsUnavailableAndEverythingElseInternal) {
  const CK_RV lost[] = {CKR_SESSION_HANDLE_INVALID,  CKR_SESSION_CLOSED,
                        CKR_USER_NOT_LOGGED_IN,      CKR_DEVICE_REMOVED,
                        CKR_TOKEN_NOT_PRESENT,       CKR_TOKEN_NOT_RECOGNIZED,
                        CKR_OBJECT_HANDLE_INVALID,   CKR_KEY_HANDLE_INVALID,
                        CKR_CRYPTOKI_NOT_INITIALIZED};
  for (CK_RV rv : lost) {
    EXPECT_TRUE(IsTokenLost(rv)) << ReturnValueName(rv);
    EXPECT_EQ(Pkcs11Error("C_Sign", rv).code(), absl::StatusCode::kUnavailable);
  }
  const CK_RV other[] = {CKR_GENERAL_ERROR, CKR_MECHANISM_INVALID,
                         CKR_DEVICE_ERROR, CKR_PIN_INCORRECT,
                         CKR_BUFFER_TOO_SMALL};
  for (CK_RV rv : other) {
    EXPECT_FALSE(IsTokenLost(rv)) << ReturnValueName(rv);
    EXPECT_EQ(Pkcs11Error("C_Sign", rv).code(), absl::StatusCode::kInternal);
  }
  EXPECT_EQ(Pkcs11Error("C_Sign", CKR_DEVICE_REMOVED).message(),
            "C_Sign: CKR_DEVICE_REMOVED");
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
