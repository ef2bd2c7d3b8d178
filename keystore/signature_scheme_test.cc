#include "keystore/signature_scheme.h"

#include <openssl/evp.h>

#include "gtest/gtest.h"

namespace keyward::keystore {
namespace {

TEST(SignatureSchemeTest, EveryKnownSchemeFitsExactlyOneAlgorithm) {
  int checked = 0;
  for (v1::SignatureScheme scheme : KnownSignatureSchemes()) {
    int fits = 0;
    for (v1::KeyAlgorithm algorithm :
         {v1::KEY_ALGORITHM_RSA, v1::KEY_ALGORITHM_ECDSA_P256,
          v1::KEY_ALGORITHM_ECDSA_P384, v1::KEY_ALGORITHM_ED25519,
          v1::KEY_ALGORITHM_UNSPECIFIED}) {
      fits += SchemeFitsAlgorithm(scheme, algorithm);
    }
    EXPECT_EQ(fits, 1) << v1::SignatureScheme_Name(scheme);
    ++checked;
  }
  EXPECT_EQ(checked, 10);
}

TEST(SignatureSchemeTest, EcdsaCurveIsBoundToItsHash) {
  EXPECT_TRUE(SchemeFitsAlgorithm(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                                  v1::KEY_ALGORITHM_ECDSA_P256));
  EXPECT_FALSE(SchemeFitsAlgorithm(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                                   v1::KEY_ALGORITHM_ECDSA_P384));
  EXPECT_FALSE(SchemeFitsAlgorithm(v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
                                   v1::KEY_ALGORITHM_ECDSA_P256));
  EXPECT_FALSE(SchemeFitsAlgorithm(v1::SIGNATURE_SCHEME_UNSPECIFIED,
                                   v1::KEY_ALGORITHM_RSA));
}

TEST(SignatureSchemeTest, DigestLengths) {
  EXPECT_EQ(
      EVP_MD_get_size(SchemeDigest(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256)), 32);
  EXPECT_EQ(
      EVP_MD_get_size(SchemeDigest(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384)),
      48);
  EXPECT_EQ(
      EVP_MD_get_size(SchemeDigest(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512)), 64);
  EXPECT_EQ(
      EVP_MD_get_size(SchemeDigest(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1)),
      36);
  EXPECT_EQ(SchemeDigest(v1::SIGNATURE_SCHEME_ED25519), nullptr);
  EXPECT_EQ(SchemeDigest(v1::SIGNATURE_SCHEME_UNSPECIFIED), nullptr);
}

TEST(SignatureSchemeTest, PssSchemes) {
  EXPECT_TRUE(IsRsaPssScheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256));
  EXPECT_TRUE(IsRsaPssScheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512));
  EXPECT_FALSE(IsRsaPssScheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256));
}

}  // namespace
}  // namespace keyward::keystore
