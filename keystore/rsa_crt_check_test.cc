// The test builds a legacy key and an ENGINE, which only OpenSSL's
// deprecated API can do.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "keystore/rsa_crt_check.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/engine.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "keystore/openssl_ptr.h"
#include "keystore/private_key_pem.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

EvpPkeyPtr Generate(absl::string_view kind) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(kind);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *std::move(key) : nullptr;
}

// What the keystore loads: a PKCS#8 PEM file decoded by ParsePrivateKeyPem.
EvpPkeyPtr RoundTripThroughPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                BIO_free);
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), key, nullptr,
                                                 nullptr, 0, nullptr,
                                                 nullptr) != 1) {
    ADD_FAILURE() << "PEM_write_bio_PrivateKey";
    return nullptr;
  }
  const char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  absl::StatusOr<EvpPkeyPtr> parsed = ParsePrivateKeyPem(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data),
                          static_cast<size_t>(length)),
      nullptr, "test.pem");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : nullptr;
}

TEST(OpenSslChecksRsaCrtTest, KeystoreRsaKeysAreCheckedByOpenSsl) {
  EvpPkeyPtr key = Generate("rsa-2048");
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(OpenSslChecksRsaCrt(key.get()));
  EvpPkeyPtr loaded = RoundTripThroughPem(key.get());
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(OpenSslChecksRsaCrt(loaded.get()));
}

TEST(OpenSslChecksRsaCrtTest, OnlyRsaKeysQualify) {
  EXPECT_FALSE(OpenSslChecksRsaCrt(nullptr));
  for (absl::string_view kind : {"p256", "p384", "ed25519"}) {
    EvpPkeyPtr key = Generate(kind);
    ASSERT_NE(key, nullptr);
    EXPECT_FALSE(OpenSslChecksRsaCrt(key.get())) << kind;
  }
}

// A legacy key may carry any RSA_METHOD, so it does not qualify.
TEST(OpenSslChecksRsaCrtTest, LegacyKeysAreNotTrusted) {
  std::unique_ptr<RSA, decltype(&RSA_free)> rsa(RSA_new(), RSA_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_new(), BN_free);
  ASSERT_NE(rsa, nullptr);
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(BN_set_word(e.get(), RSA_F4), 1);
  ASSERT_EQ(RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr), 1);
  EvpPkeyPtr key(EVP_PKEY_new());
  ASSERT_NE(key, nullptr);
  ASSERT_EQ(EVP_PKEY_set1_RSA(key.get(), rsa.get()), 1);
  EXPECT_EQ(EVP_PKEY_get0_provider(key.get()), nullptr);
  EXPECT_FALSE(OpenSslChecksRsaCrt(key.get()));
}

// An ENGINE that is the default RSA implementation replaces OpenSSL's RSA
// code even for provider keys; while one is registered, no key qualifies.
TEST(OpenSslChecksRsaCrtTest, ADefaultRsaEngineDisqualifiesEveryKey) {
  EvpPkeyPtr key = Generate("rsa-2048");
  ASSERT_NE(key, nullptr);
  ASSERT_TRUE(OpenSslChecksRsaCrt(key.get()));

  ENGINE* engine = ENGINE_new();
  ASSERT_NE(engine, nullptr);
  ASSERT_EQ(ENGINE_set_id(engine, "keyward-test-rsa"), 1);
  ASSERT_EQ(ENGINE_set_name(engine, "an RSA_METHOD for a test"), 1);
  ASSERT_EQ(ENGINE_set_RSA(engine, RSA_PKCS1_OpenSSL()), 1);
  ASSERT_EQ(ENGINE_set_default_RSA(engine), 1);
  EXPECT_FALSE(OpenSslChecksRsaCrt(key.get()));

  ENGINE_unregister_RSA(engine);
  ENGINE_free(engine);
  EXPECT_TRUE(OpenSslChecksRsaCrt(key.get()));
}

}  // namespace
}  // namespace keyward::keystore
