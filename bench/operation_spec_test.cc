#include "bench/operation_spec.h"

#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

TEST(OperationSpecTest, ParsesEverySignKey) {
  const struct {
    const char* text;
    v1::SignatureScheme scheme;
    int rsa_bits;
  } kCases[] = {
      {"sign:rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, 2048},
      {"sign:rsa-3072", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, 3072},
      {"sign:ecdsa-p256", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, 0},
      {"sign:ecdsa-p384", v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, 0},
      {"sign:ed25519", v1::SIGNATURE_SCHEME_ED25519, 0},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<OperationSpec> spec = ParseOperationSpec(c.text);
    ASSERT_TRUE(spec.ok()) << c.text << ": " << spec.status();
    EXPECT_EQ(spec->kind, OperationKind::kSign);
    EXPECT_EQ(spec->scheme, c.scheme) << c.text;
    EXPECT_FALSE(SignsTls12ServerKeyExchange(spec->scheme)) << c.text;
    EXPECT_EQ(spec->key.rsa_bits, c.rsa_bits) << c.text;
    EXPECT_EQ(spec->Name(), c.text);
  }
}

TEST(OperationSpecTest, ParsesEveryOtherSchemeAKeySignsWith) {
  const struct {
    const char* text;
    v1::SignatureScheme scheme;
    bool tls12;
  } kCases[] = {
      {"sign:rsa-2048:rsa_pkcs1_sha256", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
       true},
      {"sign:rsa-2048:rsa_pkcs1_sha384", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384,
       true},
      {"sign:rsa-3072:rsa_pkcs1_sha512", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512,
       true},
      {"sign:rsa-2048:rsa_pss_rsae_sha384",
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384, false},
      {"sign:rsa-3072:rsa_pss_rsae_sha512",
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512, false},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<OperationSpec> spec = ParseOperationSpec(c.text);
    ASSERT_TRUE(spec.ok()) << c.text << ": " << spec.status();
    EXPECT_EQ(spec->scheme, c.scheme) << c.text;
    EXPECT_EQ(SignsTls12ServerKeyExchange(spec->scheme), c.tls12) << c.text;
    EXPECT_EQ(spec->Name(), c.text);
  }
  // Naming the key's own scheme is the short form.
  absl::StatusOr<OperationSpec> own =
      ParseOperationSpec("sign:ecdsa-p256:ecdsa_secp256r1_sha256");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->Name(), "sign:ecdsa-p256");
}

TEST(OperationSpecTest, KeyExchangesOnRsa) {
  absl::StatusOr<OperationSpec> decrypt =
      ParseOperationSpec("decrypt-pre-master:rsa-2048");
  ASSERT_TRUE(decrypt.ok()) << decrypt.status();
  EXPECT_EQ(decrypt->kind, OperationKind::kDecryptPreMaster);
  EXPECT_EQ(decrypt->key.host_name, "rsa-2048.dev.keyward.test");

  absl::StatusOr<OperationSpec> exchange =
      ParseOperationSpec("rsa-key-exchange:rsa-3072");
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  EXPECT_EQ(exchange->kind, OperationKind::kRsaKeyExchange);
  EXPECT_EQ(exchange->key.rsa_bits, 3072);
}

TEST(OperationSpecTest, RefusesWhatIsNotAnOperation) {
  for (const char* text :
       {"", "sign", "sign:", "sign:rsa-1024", "verify:rsa-2048",
        "sign:ecdsa-p256:x", "rsa-key-exchange:ecdsa-p256",
        "decrypt-pre-master:ed25519", "sign:rsa-2048:",
        "sign:rsa-2048:unspecified", "sign:rsa-2048:rsa_pkcs1_md5_sha1",
        "sign:rsa-2048:ecdsa_secp256r1_sha256", "sign:ecdsa-p256:ed25519",
        "sign:ecdsa-p384:ecdsa_secp256r1_sha256",
        "sign:ed25519:rsa_pss_rsae_sha256", "sign:rsa-2048:rsa_pss_pss_sha256",
        "decrypt-pre-master:rsa-2048:rsa_pkcs1_sha256",
        "sign:rsa-2048:rsa_pkcs1_sha256:x"}) {
    EXPECT_EQ(ParseOperationSpec(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
}

}  // namespace
}  // namespace keyward::bench
