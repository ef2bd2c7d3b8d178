#include "service/key_info.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

keystore::KeyEntry Entry(v1::KeyAlgorithm algorithm) {
  keystore::KeyEntry key;
  key.key_id = std::string(64, 'a');
  key.name = "www";
  key.version = 3;
  key.algorithm = algorithm;
  key.key_bits = algorithm == v1::KEY_ALGORITHM_RSA ? 2048 : 256;
  key.spki_der = "spki";
  key.certificate_chain_der = {"leaf", "ca"};
  key.certificate_sha256 = std::string(32, 'h');
  key.host_names = {"www.example.test", "*.example.test"};
  key.not_before = absl::FromUnixSeconds(1700000000);
  key.not_after = absl::FromUnixSeconds(1800000000) + absl::Nanoseconds(5);
  key.grants = {
      {{"spiffe://test/edge/*"},
       {v1::OPERATION_SIGN_STRUCTURED, v1::OPERATION_RSA_KEY_EXCHANGE}},
      {{"spiffe://test/edge/raw"}, {v1::OPERATION_SIGN_RAW}},
  };
  return key;
}

TEST(KeyInfoTest, CopiesThePublicDescription) {
  const v1::KeyInfo info =
      DescribeKey(Entry(v1::KEY_ALGORITHM_RSA), "spiffe://test/edge/a");
  EXPECT_EQ(info.key_id(), std::string(64, 'a'));
  EXPECT_EQ(info.name(), "www");
  EXPECT_EQ(info.version(), 3u);
  EXPECT_EQ(info.state(), v1::KEY_STATE_CURRENT);
  EXPECT_FALSE(info.has_usable_until());
  EXPECT_EQ(info.algorithm(), v1::KEY_ALGORITHM_RSA);
  EXPECT_EQ(info.key_bits(), 2048u);
  EXPECT_EQ(info.spki_der(), "spki");
  EXPECT_THAT(info.certificate_chain_der(), ElementsAre("leaf", "ca"));
  EXPECT_EQ(info.certificate_sha256(), std::string(32, 'h'));
  EXPECT_THAT(info.host_names(),
              ElementsAre("www.example.test", "*.example.test"));
  EXPECT_EQ(info.not_before().seconds(), 1700000000);
  EXPECT_EQ(info.not_before().nanos(), 0);
  EXPECT_EQ(info.not_after().seconds(), 1800000000);
  EXPECT_EQ(info.not_after().nanos(), 5);
}

TEST(KeyInfoTest, NarrowsOperationsAndSchemesToTheCaller) {
  const keystore::KeyEntry rsa = Entry(v1::KEY_ALGORITHM_RSA);
  const v1::KeyInfo edge = DescribeKey(rsa, "spiffe://test/edge/a");
  EXPECT_THAT(edge.allowed_operations(),
              ElementsAre(v1::OPERATION_SIGN_STRUCTURED,
                          v1::OPERATION_RSA_KEY_EXCHANGE));
  EXPECT_THAT(edge.allowed_schemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
                          v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
                          v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384,
                          v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512));
  EXPECT_THAT(DescribeKey(rsa, "spiffe://test/other").allowed_operations(),
              IsEmpty());
  EXPECT_THAT(DescribeKey(rsa, "spiffe://test/other").allowed_schemes(),
              IsEmpty());
}

TEST(KeyInfoTest, HidesKeyExchangeForNonRsaKeys) {
  const v1::KeyInfo info =
      DescribeKey(Entry(v1::KEY_ALGORITHM_ECDSA_P256), "spiffe://test/edge/a");
  EXPECT_THAT(info.allowed_operations(),
              ElementsAre(v1::OPERATION_SIGN_STRUCTURED));
  EXPECT_THAT(info.allowed_schemes(),
              ElementsAre(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256));
}

TEST(KeyInfoTest, ListsLegacySchemeOnlyWhenAllowed) {
  keystore::KeyEntry rsa = Entry(v1::KEY_ALGORITHM_RSA);
  rsa.allow_legacy_md5_sha1 = true;
  const v1::KeyInfo info = DescribeKey(rsa, "spiffe://test/edge/a");
  EXPECT_EQ(info.allowed_schemes().size(), 7);
  EXPECT_EQ(info.allowed_schemes(6), v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1);
}

TEST(KeyInfoTest, NoSchemesWithoutASigningGrant) {
  keystore::KeyEntry rsa = Entry(v1::KEY_ALGORITHM_RSA);
  rsa.grants = {{{"kx"}, {v1::OPERATION_RSA_KEY_EXCHANGE}}};
  const v1::KeyInfo info = DescribeKey(rsa, "kx");
  EXPECT_THAT(info.allowed_operations(),
              ElementsAre(v1::OPERATION_RSA_KEY_EXCHANGE));
  EXPECT_THAT(info.allowed_schemes(), IsEmpty());
}

TEST(KeyInfoTest, PreviousKeysSayUntilWhen) {
  keystore::KeyEntry rsa = Entry(v1::KEY_ALGORITHM_RSA);
  rsa.state = v1::KEY_STATE_PREVIOUS;
  rsa.usable_until = absl::FromUnixSeconds(1750000000);
  const v1::KeyInfo info = DescribeKey(rsa, "spiffe://test/edge/a");
  EXPECT_EQ(info.state(), v1::KEY_STATE_PREVIOUS);
  EXPECT_EQ(info.usable_until().seconds(), 1750000000);
}

}  // namespace
}  // namespace keyward::service
