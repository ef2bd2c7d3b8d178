#include "keystore/pkcs11/digest_info.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

// OpenSslDigestInfo encodes a DigestInfo with OpenSSL's ASN.1 encoder, the
// independent reference for the fixed prefixes.
std::string OpenSslDigestInfo(const EVP_MD* md, const std::string& digest) {
  X509_SIG* sig = X509_SIG_new();
  X509_ALGOR* algorithm = nullptr;
  ASN1_OCTET_STRING* octets = nullptr;
  X509_SIG_getm(sig, &algorithm, &octets);
  X509_ALGOR_set0(algorithm, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL,
                  nullptr);
  ASN1_OCTET_STRING_set(octets,
                        reinterpret_cast<const unsigned char*>(digest.data()),
                        digest.size());
  unsigned char* der = nullptr;
  const int length = i2d_X509_SIG(sig, &der);
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  X509_SIG_free(sig);
  return out;
}

TEST(DigestInfoTest, MatchesOpenSslsEncoding) {
  const struct {
    v1::SignatureScheme scheme;
    const EVP_MD* md;
  } cases[] = {{v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, EVP_sha256()},
               {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, EVP_sha384()},
               {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512, EVP_sha512()}};
  int checked = 0;
  for (const auto& c : cases) {
    const std::string digest(EVP_MD_get_size(c.md), '\x5a');
    absl::StatusOr<std::string> input = Pkcs1SignatureInput(c.scheme, digest);
    ASSERT_THAT(input, IsOk());
    EXPECT_EQ(*input, OpenSslDigestInfo(c.md, digest)) << c.scheme;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(DigestInfoTest, Md5Sha1IsSignedWithoutDigestInfo) {
  const std::string digest(36, '\x11');
  EXPECT_THAT(
      Pkcs1SignatureInput(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, digest),
      IsOk());
  EXPECT_EQ(
      *Pkcs1SignatureInput(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, digest),
      digest);
}

TEST(DigestInfoTest, RefusesOtherSchemesAndLengths) {
  EXPECT_THAT(Pkcs1SignatureInput(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
                                  std::string(31, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("digest: 31 bytes")));
  EXPECT_THAT(Pkcs1SignatureInput(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                                  std::string(32, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no PKCS #1 v1.5 scheme")));
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
