#include "keystore/key_type.h"

#include <openssl/rsa.h>

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

struct AcceptedCase {
  const char* kind;
  v1::KeyAlgorithm algorithm;
  uint32_t bits;
};

class AcceptedKeyTest : public ::testing::TestWithParam<AcceptedCase> {};

TEST_P(AcceptedKeyTest, IsClassified) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(GetParam().kind);
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<KeyType> type = ClassifyKey(key->get());
  ASSERT_THAT(type, IsOk());
  EXPECT_EQ(type->algorithm, GetParam().algorithm);
  EXPECT_EQ(type->bits, GetParam().bits);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, AcceptedKeyTest,
    ::testing::Values(AcceptedCase{"rsa-2048", v1::KEY_ALGORITHM_RSA, 2048},
                      AcceptedCase{"rsa-3072", v1::KEY_ALGORITHM_RSA, 3072},
                      AcceptedCase{"p256", v1::KEY_ALGORITHM_ECDSA_P256, 256},
                      AcceptedCase{"p384", v1::KEY_ALGORITHM_ECDSA_P384, 384},
                      AcceptedCase{"ed25519", v1::KEY_ALGORITHM_ED25519, 255}),
    [](const ::testing::TestParamInfo<AcceptedCase>& info) {
      std::string name = info.param.kind;
      name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
      return name;
    });

TEST(KeyTypeTest, RefusesWeakRsa) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("rsa-1024");
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(ClassifyKey(key->get()),
              StatusIs(kFailed, HasSubstr("weak RSA key: 1024 bits (at least "
                                          "2048 are required)")));
}

TEST(KeyTypeTest, RefusesOtherCurves) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p521");
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(ClassifyKey(key->get()),
              StatusIs(kFailed, HasSubstr("unsupported EC curve secp521r1")));
}

TEST(KeyTypeTest, RefusesOtherAlgorithms) {
  EvpPkeyPtr x25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  ASSERT_NE(x25519, nullptr);
  EXPECT_THAT(ClassifyKey(x25519.get()),
              StatusIs(kFailed, HasSubstr("unsupported key algorithm X25519")));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048), 1);
  EVP_PKEY* generated = nullptr;
  ASSERT_EQ(EVP_PKEY_generate(ctx.get(), &generated), 1);
  EvpPkeyPtr pss(generated);
  EXPECT_THAT(
      ClassifyKey(pss.get()),
      StatusIs(kFailed, HasSubstr("unsupported key algorithm RSA-PSS")));
}

TEST(KeyTypeTest, KeyIdIsHexSha256OfSpki) {
  // SHA-256("abc"), FIPS 180-2 Appendix B.1.
  absl::StatusOr<std::string> id = KeyIdOf("abc");
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  absl::StatusOr<std::string> digest = Sha256("abc");
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(digest->size(), 32u);
  EXPECT_EQ(static_cast<uint8_t>((*digest)[0]), 0xba);
}

TEST(KeyTypeTest, SpkiIsThePublicKeyDer) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<std::string> spki = SubjectPublicKeyInfoDer(key->get());
  ASSERT_THAT(spki, IsOk());
  // P-256 SPKI: 26-byte header + 65-byte uncompressed point.
  EXPECT_EQ(spki->size(), 91u);
  const auto* p = reinterpret_cast<const unsigned char*>(spki->data());
  EvpPkeyPtr decoded(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki->size())));
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(decoded.get(), key->get()), 1);
}

}  // namespace
}  // namespace keyward::keystore
