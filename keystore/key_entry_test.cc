#include "keystore/key_entry.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::keystore {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(IdentityMatchesTest, ExactAndTrailingStar) {
  EXPECT_TRUE(IdentityMatches("spiffe://x/edge/a", "spiffe://x/edge/a"));
  EXPECT_FALSE(IdentityMatches("spiffe://x/edge/a", "spiffe://x/edge/ab"));
  EXPECT_TRUE(IdentityMatches("spiffe://x/edge/*", "spiffe://x/edge/a"));
  EXPECT_TRUE(IdentityMatches("spiffe://x/edge/*", "spiffe://x/edge/a/b"));
  // The star stands for at least one character.
  EXPECT_FALSE(IdentityMatches("spiffe://x/edge/*", "spiffe://x/edge/"));
  EXPECT_FALSE(IdentityMatches("spiffe://x/edge/*", "spiffe://x/other/a"));
  EXPECT_TRUE(IdentityMatches("*", "anyone"));
  EXPECT_FALSE(IdentityMatches("*", ""));
  EXPECT_FALSE(IdentityMatches("", "anyone"));
}

KeyEntry EntryWithGrants() {
  KeyEntry entry;
  entry.algorithm = v1::KEY_ALGORITHM_RSA;
  entry.grants.push_back(
      {{"spiffe://x/edge/a"},
       {v1::OPERATION_RSA_KEY_EXCHANGE, v1::OPERATION_SIGN_STRUCTURED}});
  entry.grants.push_back({{"spiffe://x/*"}, {v1::OPERATION_SIGN_STRUCTURED}});
  return entry;
}

TEST(KeyEntryTest, AllowsIsDefaultDeny) {
  const KeyEntry entry = EntryWithGrants();
  EXPECT_TRUE(
      entry.Allows("spiffe://x/edge/a", v1::OPERATION_RSA_KEY_EXCHANGE));
  EXPECT_TRUE(entry.Allows("spiffe://x/edge/b", v1::OPERATION_SIGN_STRUCTURED));
  EXPECT_FALSE(
      entry.Allows("spiffe://x/edge/b", v1::OPERATION_RSA_KEY_EXCHANGE));
  EXPECT_FALSE(entry.Allows("spiffe://x/edge/a", v1::OPERATION_SIGN_RAW));
  EXPECT_FALSE(entry.Allows("spiffe://y/a", v1::OPERATION_SIGN_STRUCTURED));
  EXPECT_FALSE(
      KeyEntry().Allows("spiffe://x/edge/a", v1::OPERATION_SIGN_STRUCTURED));
}

TEST(KeyEntryTest, AllowedOperationsInEnumOrderWithoutDuplicates) {
  const KeyEntry entry = EntryWithGrants();
  EXPECT_THAT(entry.AllowedOperations("spiffe://x/edge/a"),
              ElementsAre(v1::OPERATION_SIGN_STRUCTURED,
                          v1::OPERATION_RSA_KEY_EXCHANGE));
  EXPECT_THAT(entry.AllowedOperations("spiffe://x/edge/b"),
              ElementsAre(v1::OPERATION_SIGN_STRUCTURED));
  EXPECT_THAT(entry.AllowedOperations("other"), IsEmpty());
}

TEST(KeyEntryTest, RsaSchemesAndLegacyPolicy) {
  KeyEntry entry;
  entry.algorithm = v1::KEY_ALGORITHM_RSA;
  EXPECT_THAT(entry.SupportedSchemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
                          v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
                          v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512));
  EXPECT_FALSE(entry.SupportsScheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1));
  entry.allow_legacy_md5_sha1 = true;
  EXPECT_TRUE(entry.SupportsScheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1));
  EXPECT_EQ(entry.SupportedSchemes().size(), 7u);
  EXPECT_FALSE(entry.SupportsScheme(v1::SIGNATURE_SCHEME_ED25519));
}

TEST(KeyEntryTest, EcdsaAndEd25519Schemes) {
  KeyEntry entry;
  entry.allow_legacy_md5_sha1 = true;  // meaningless for non-RSA keys
  entry.algorithm = v1::KEY_ALGORITHM_ECDSA_P256;
  EXPECT_THAT(entry.SupportedSchemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256));
  entry.algorithm = v1::KEY_ALGORITHM_ECDSA_P384;
  EXPECT_THAT(entry.SupportedSchemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384));
  entry.algorithm = v1::KEY_ALGORITHM_ED25519;
  EXPECT_THAT(entry.SupportedSchemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_ED25519));
  entry.algorithm = v1::KEY_ALGORITHM_UNSPECIFIED;
  EXPECT_THAT(entry.SupportedSchemes(), IsEmpty());
}

}  // namespace
}  // namespace keyward::keystore
