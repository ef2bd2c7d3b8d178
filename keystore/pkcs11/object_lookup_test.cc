#include "keystore/pkcs11/object_lookup.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/pkcs11/session_pool.h"
#include "keystore/pkcs11/testing/softhsm_token.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kPin[] = "lookup-pin";

TEST(ObjectLookupTest, FindsExactlyOneObject) {
  absl::StatusOr<testing::SoftHsmToken> token =
      testing::SoftHsmToken::Create("lookup", kPin);
  ASSERT_THAT(token, IsOk());
  absl::StatusOr<EvpPkeyPtr> a = keystore::testing::GenerateKey("p256");
  absl::StatusOr<EvpPkeyPtr> b = keystore::testing::GenerateKey("p256");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  // Two keys share a label; their ids differ.
  ASSERT_THAT(token->ImportKey(a->get(), "shared", "\x01"), IsOk());
  ASSERT_THAT(token->ImportKey(b->get(), "shared", "\x02"), IsOk());
  absl::StatusOr<X509Ptr> certificate =
      keystore::testing::SelfSignedCertificate(a->get(), {});
  ASSERT_THAT(certificate, IsOk());
  ASSERT_THAT(token->ImportCertificate(certificate->get(), "shared", "\x01"),
              IsOk());

  TokenConfig config;
  config.label = "lookup";
  config.module_path = testing::kSoftHsmModule;
  config.pin.assign(kPin, kPin + sizeof(kPin) - 1);
  absl::StatusOr<std::shared_ptr<SessionPool>> pool =
      SessionPool::Open(std::move(config));
  ASSERT_THAT(pool, IsOk());
  absl::StatusOr<SessionPool::Session> session = (*pool)->Acquire();
  ASSERT_THAT(session, IsOk());
  CK_FUNCTION_LIST* f = (*pool)->functions();
  const auto find = [&](const std::string& uri, CK_OBJECT_CLASS c) {
    return FindObject(f, session->handle(), ParseObjectUri(uri, c).value());
  };

  EXPECT_THAT(find("pkcs11:token=lookup;object=shared", CKO_PRIVATE_KEY),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("several objects match")));
  absl::StatusOr<CK_OBJECT_HANDLE> first =
      find("pkcs11:token=lookup;object=shared;id=%01", CKO_PRIVATE_KEY);
  absl::StatusOr<CK_OBJECT_HANDLE> second =
      find("pkcs11:token=lookup;id=%02", CKO_PRIVATE_KEY);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(*first, *second);
  EXPECT_THAT(GetUlongAttribute(f, session->handle(), *first, CKA_KEY_TYPE),
              IsOk());
  EXPECT_EQ(*GetUlongAttribute(f, session->handle(), *first, CKA_KEY_TYPE),
            CKK_EC);
  // The private value never leaves the token.
  EXPECT_THAT(GetAttribute(f, session->handle(), *first, CKA_VALUE),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("CKR_ATTRIBUTE_SENSITIVE")));
  EXPECT_THAT(find("pkcs11:token=lookup;id=%03", CKO_PRIVATE_KEY),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("pkcs11:token=lookup;id=0x03;type=private: "
                                 "no such object")));

  // The certificate is a different class with the same label and id.
  absl::StatusOr<CK_OBJECT_HANDLE> cert =
      find("pkcs11:token=lookup;object=shared", CKO_CERTIFICATE);
  ASSERT_THAT(cert, IsOk());
  absl::StatusOr<std::string> der =
      GetAttribute(f, session->handle(), *cert, CKA_VALUE);
  ASSERT_THAT(der, IsOk());
  unsigned char* expected = nullptr;
  const int length = i2d_X509(certificate->get(), &expected);
  EXPECT_EQ(*der, std::string(reinterpret_cast<char*>(expected), length));
  OPENSSL_free(expected);
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
