#include "keystore/pkcs11/uri.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

TEST(UriTest, ParsesTokenObjectAndId) {
  absl::StatusOr<ObjectUri> uri = ParseObjectUri(
      "pkcs11:token=edge%20hsm;object=www-2026;id=%01%ab;type=private",
      CKO_PRIVATE_KEY);
  ASSERT_THAT(uri, IsOk());
  EXPECT_EQ(uri->token_label, "edge hsm");
  EXPECT_EQ(uri->object_label, "www-2026");
  EXPECT_EQ(uri->id, std::string("\x01\xab", 2));
  EXPECT_EQ(uri->object_class, CKO_PRIVATE_KEY);
  EXPECT_EQ(Describe(*uri),
            "pkcs11:token=edge hsm;object=www-2026;id=0x01ab;type=private");
}

TEST(UriTest, ObjectOrIdAloneIsEnough) {
  absl::StatusOr<ObjectUri> by_label =
      ParseObjectUri("pkcs11:token=t;object=k", CKO_PRIVATE_KEY);
  ASSERT_THAT(by_label, IsOk());
  EXPECT_FALSE(by_label->id.has_value());
  absl::StatusOr<ObjectUri> by_id =
      ParseObjectUri("pkcs11:token=t;id=%02", CKO_CERTIFICATE);
  ASSERT_THAT(by_id, IsOk());
  EXPECT_FALSE(by_id->object_label.has_value());
  EXPECT_EQ(by_id->object_class, CKO_CERTIFICATE);
  EXPECT_THAT(
      ParseObjectUri("pkcs11:token=t;object=c;type=cert", CKO_CERTIFICATE),
      IsOk());
}

TEST(UriTest, RefusesWhatCannotNameOneObject) {
  const auto refused = [](const std::string& uri, CK_OBJECT_CLASS c,
                          const std::string& reason) {
    EXPECT_THAT(ParseObjectUri(uri, c),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(reason)))
        << uri;
  };
  refused("file:///k.pem", CKO_PRIVATE_KEY, "file:///k.pem");
  refused("pkcs11:object=k", CKO_PRIVATE_KEY, "names no token");
  refused("pkcs11:token=t", CKO_PRIVATE_KEY, "names no object");
  refused("pkcs11:token=t;object=k;type=cert", CKO_PRIVATE_KEY,
          "type=cert where type=private");
  refused("pkcs11:token=t;object=k;pin-value=1234", CKO_PRIVATE_KEY,
          "must not carry a PIN");
  refused("pkcs11:token=t;object=k?pin-source=file:/p", CKO_PRIVATE_KEY,
          "must not carry a PIN");
  refused("pkcs11:token=t;object=k;x-vendor=1", CKO_PRIVATE_KEY,
          "not understood");
  refused("pkcs11:token=t;object=%zz", CKO_PRIVATE_KEY, "PKCS #11 URI");
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
