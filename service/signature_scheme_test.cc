#include "service/signature_scheme.h"

#include <openssl/evp.h>

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(SignatureSchemeTest, DigestLengthsMatchOpenSsl) {
  const struct {
    v1::SignatureScheme scheme;
    const EVP_MD* md;
  } kSchemes[] = {
      {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, EVP_sha256()},
      {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, EVP_sha384()},
      {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512, EVP_sha512()},
      {v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, EVP_sha256()},
      {v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, EVP_sha384()},
      {v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, EVP_sha256()},
      {v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384, EVP_sha384()},
      {v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512, EVP_sha512()},
      {v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, EVP_md5_sha1()},
  };
  for (const auto& s : kSchemes) {
    EXPECT_EQ(SchemeDigestLength(s.scheme),
              static_cast<size_t>(EVP_MD_get_size(s.md)))
        << SchemeName(s.scheme);
  }
  EXPECT_EQ(SchemeDigestLength(v1::SIGNATURE_SCHEME_ED25519), 0u);
  EXPECT_EQ(SchemeDigestLength(v1::SIGNATURE_SCHEME_UNSPECIFIED), 0u);
  EXPECT_EQ(SchemeDigestLength(static_cast<v1::SignatureScheme>(0x0402)), 0u);
}

TEST(SignatureSchemeTest, Tls13AllowsNoPkcs1) {
  int allowed = 0;
  for (int value = v1::SignatureScheme_MIN; value <= v1::SignatureScheme_MAX;
       ++value) {
    if (!v1::SignatureScheme_IsValid(value)) continue;
    const auto scheme = static_cast<v1::SignatureScheme>(value);
    const bool pkcs1 = SchemeName(scheme).find("PKCS1") != std::string::npos;
    if (AllowedInTls13CertificateVerify(scheme)) {
      EXPECT_FALSE(pkcs1) << SchemeName(scheme);
      EXPECT_NE(scheme, v1::SIGNATURE_SCHEME_UNSPECIFIED);
      ++allowed;
    }
  }
  EXPECT_EQ(allowed, 6);  // 3 x PSS, 2 x ECDSA, Ed25519.
}

TEST(SignatureSchemeTest, RefusesUnspecifiedAndUnknownValues) {
  EXPECT_TRUE(CheckSignatureScheme(v1::SIGNATURE_SCHEME_ED25519, "s").ok());
  EXPECT_EQ(CheckSignatureScheme(v1::SIGNATURE_SCHEME_UNSPECIFIED, "s"),
            absl::InvalidArgumentError("s: required"));
  EXPECT_EQ(CheckSignatureScheme(static_cast<v1::SignatureScheme>(0x0402), "s"),
            absl::InvalidArgumentError("s: unknown value 1026"));
  EXPECT_EQ(SchemeName(static_cast<v1::SignatureScheme>(-7)), "-7");
  EXPECT_EQ(SchemeName(v1::SIGNATURE_SCHEME_ED25519),
            "SIGNATURE_SCHEME_ED25519");
}

}  // namespace
}  // namespace keyward::service
