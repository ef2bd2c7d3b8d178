#include "keystore/evp_signature.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/evp_signer.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

// The self-check that guards RSA signatures OpenSSL has not checked itself
// (OpenSslPrivateKey, Pkcs11PrivateKey) must reject a signature damaged
// anywhere, as a CRT fault would damage it.
TEST(EvpSignatureTest, VerifyRejectsADamagedSignature) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("rsa-2048");
  ASSERT_THAT(key, IsOk());
  const std::string digest(32, '\x5a');
  for (v1::SignatureScheme scheme :
       {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256}) {
    absl::StatusOr<std::string> signature =
        EvpSigner(key->get()).SignDigest(scheme, digest);
    ASSERT_THAT(signature, IsOk());
    ASSERT_EQ(signature->size(), 256u);
    EXPECT_THAT(EvpVerifyDigest(key->get(), scheme, digest, *signature),
                IsOk());
    for (size_t byte : {size_t{0}, size_t{100}, size_t{255}}) {
      std::string damaged = *signature;
      damaged[byte] ^= 0x01;
      EXPECT_THAT(
          EvpVerifyDigest(key->get(), scheme, digest, damaged),
          StatusIs(absl::StatusCode::kInternal, HasSubstr("EVP_PKEY_verify")));
    }
    // The right signature for another scheme does not pass either.
    const v1::SignatureScheme other =
        scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256
            ? v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256
            : v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256;
    EXPECT_FALSE(EvpVerifyDigest(key->get(), other, digest, *signature).ok());
  }
}

TEST(EvpSignatureTest, EcdsaSignaturesAreDer) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<std::string> signature =
      EvpSigner(key->get())
          .SignDigest(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                      std::string(32, '\x01'));
  ASSERT_THAT(signature, IsOk());
  // SEQUENCE { INTEGER r, INTEGER s }, at most 72 bytes for P-256.
  ASSERT_GE(signature->size(), 8u);
  EXPECT_LE(signature->size(), 72u);
  EXPECT_EQ(static_cast<uint8_t>((*signature)[0]), 0x30);
  EXPECT_EQ(static_cast<size_t>((*signature)[1]) + 2, signature->size());
}

}  // namespace
}  // namespace keyward::keystore
