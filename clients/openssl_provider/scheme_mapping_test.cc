#include "clients/openssl_provider/scheme_mapping.h"

#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "clients/openssl_provider/openssl_ptr.h"
#include "gtest/gtest.h"

namespace keyward::provider {
namespace {

using openssl::EvpPkeyPtr;

EvpPkeyPtr EcKey(const char* curve) {
  return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

TEST(KeyAlgorithmOfTest, NamesTheKeysTheServiceHolds) {
  EXPECT_EQ(KeyAlgorithmOf(EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                                                        size_t{1024}))
                               .get()),
            v1::KEY_ALGORITHM_RSA);
  EXPECT_EQ(KeyAlgorithmOf(EcKey("P-256").get()), v1::KEY_ALGORITHM_ECDSA_P256);
  EXPECT_EQ(KeyAlgorithmOf(EcKey("P-384").get()), v1::KEY_ALGORITHM_ECDSA_P384);
  EXPECT_EQ(
      KeyAlgorithmOf(
          EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")).get()),
      v1::KEY_ALGORITHM_ED25519);
  EXPECT_EQ(KeyAlgorithmOf(EcKey("P-521").get()),
            v1::KEY_ALGORITHM_UNSPECIFIED);
  EXPECT_EQ(
      KeyAlgorithmOf(
          EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")).get()),
      v1::KEY_ALGORITHM_UNSPECIFIED);
}

TEST(SignatureSchemeForTest, MapsEveryTlsScheme) {
  struct Case {
    v1::KeyAlgorithm algorithm;
    int md_nid;
    int padding;
    v1::SignatureScheme scheme;
  } cases[] = {
      {v1::KEY_ALGORITHM_RSA, NID_sha256, RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256},
      {v1::KEY_ALGORITHM_RSA, NID_sha384, RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384},
      {v1::KEY_ALGORITHM_RSA, NID_sha512, RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512},
      {v1::KEY_ALGORITHM_RSA, NID_sha256, RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256},
      {v1::KEY_ALGORITHM_RSA, NID_sha384, RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384},
      {v1::KEY_ALGORITHM_RSA, NID_sha512, RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512},
      {v1::KEY_ALGORITHM_ECDSA_P256, NID_sha256, 0,
       v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256},
      {v1::KEY_ALGORITHM_ECDSA_P384, NID_sha384, 0,
       v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384},
      {v1::KEY_ALGORITHM_ED25519, NID_undef, 0, v1::SIGNATURE_SCHEME_ED25519},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::SignatureScheme> scheme =
        SignatureSchemeFor(c.algorithm, c.md_nid, c.padding);
    ASSERT_TRUE(scheme.ok()) << scheme.status();
    EXPECT_EQ(*scheme, c.scheme) << v1::SignatureScheme_Name(c.scheme);
  }
}

TEST(SignatureSchemeForTest, RefusesWhatTheServiceDoesNotOffer) {
  struct Case {
    v1::KeyAlgorithm algorithm;
    int md_nid;
    int padding;
  } cases[] = {
      {v1::KEY_ALGORITHM_RSA, NID_sha1, RSA_PKCS1_PADDING},
      {v1::KEY_ALGORITHM_RSA, NID_sha224, RSA_PKCS1_PSS_PADDING},
      {v1::KEY_ALGORITHM_RSA, NID_sha256, RSA_NO_PADDING},
      {v1::KEY_ALGORITHM_ECDSA_P256, NID_sha384, 0},
      {v1::KEY_ALGORITHM_ECDSA_P384, NID_sha256, 0},
      {v1::KEY_ALGORITHM_ED25519, NID_sha512, 0},
      {v1::KEY_ALGORITHM_UNSPECIFIED, NID_sha256, 0},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::SignatureScheme> scheme =
        SignatureSchemeFor(c.algorithm, c.md_nid, c.padding);
    EXPECT_EQ(scheme.status().code(), absl::StatusCode::kFailedPrecondition)
        << v1::KeyAlgorithm_Name(c.algorithm) << " " << c.md_nid;
  }
}

}  // namespace
}  // namespace keyward::provider
