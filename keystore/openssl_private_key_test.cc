// One test builds a legacy key, which only OpenSSL's deprecated API can do.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "keystore/openssl_private_key.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <map>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"
#include "keystore/testing/verify_signature.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;
using ::std::string_literals::operator""s;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// TestKey: a private key handle and, independently, the public key taken
// from a certificate issued for it.
struct TestKey {
  std::unique_ptr<OpenSslPrivateKey> private_key;
  X509Ptr certificate;
  EVP_PKEY* public_key() const { return X509_get0_pubkey(certificate.get()); }
};

// KeyOf generates each kind once per test binary (RSA generation is slow).
const TestKey& KeyOf(const std::string& kind) {
  static auto* keys = new std::map<std::string, TestKey>();
  auto it = keys->find(kind);
  if (it != keys->end()) return it->second;
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(kind);
  EXPECT_THAT(key, IsOk());
  TestKey made;
  made.certificate = testing::SelfSignedCertificate(key->get(), {}).value();
  made.private_key = OpenSslPrivateKey::Create(*std::move(key)).value();
  return (*keys)[kind] = std::move(made);
}

// Digest computes `scheme`'s hash of `message` with OpenSSL directly.
std::string Digest(const EVP_MD* md, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(
      EVP_Digest(message.data(), message.size(), out, &length, md, nullptr), 1);
  return std::string(reinterpret_cast<char*>(out), length);
}

// SignCase: a key kind, a scheme, and the scheme's hash (nullptr for
// PureEdDSA), for computing digests in the test.
struct SignCase {
  const char* kind;
  v1::SignatureScheme scheme;
  const EVP_MD* (*md)();
};

void PrintTo(const SignCase& c, std::ostream* out) {
  *out << c.kind << " " << v1::SignatureScheme_Name(c.scheme);
}

std::string CaseName(const ::testing::TestParamInfo<SignCase>& info) {
  return absl::StrReplaceAll(
      absl::StrCat(info.param.kind, "_",
                   v1::SignatureScheme_Name(info.param.scheme).substr(17)),
      {{"-", ""}});
}

class SignTest : public ::testing::TestWithParam<SignCase> {};

TEST_P(SignTest, MessageSignatureVerifiesWithTheCertificateKey) {
  const TestKey& key = KeyOf(GetParam().kind);
  const std::string message = "TLS 1.3, server CertificateVerify\0 input"s;
  absl::StatusOr<std::string> signature =
      key.private_key->SignMessage(GetParam().scheme, message);
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(testing::VerifySignature(key.public_key(), GetParam().scheme,
                                       message, *signature));
  EXPECT_FALSE(testing::VerifySignature(key.public_key(), GetParam().scheme,
                                        message + "x", *signature));
}

TEST_P(SignTest, DigestSignatureVerifiesOverTheMessage) {
  if (GetParam().md == nullptr) GTEST_SKIP() << "Ed25519 signs messages only";
  const TestKey& key = KeyOf(GetParam().kind);
  const std::string message = "client_random || server_random || params";
  absl::StatusOr<std::string> signature = key.private_key->SignDigest(
      GetParam().scheme, Digest(GetParam().md(), message));
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(testing::VerifySignature(key.public_key(), GetParam().scheme,
                                       message, *signature));
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, SignTest,
    ::testing::Values(
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, EVP_sha256},
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, EVP_sha384},
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512, EVP_sha512},
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                 EVP_sha256},
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384,
                 EVP_sha384},
        SignCase{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512,
                 EVP_sha512},
        SignCase{"rsa-3072", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, EVP_sha384},
        SignCase{"rsa-3072", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
                 EVP_sha256},
        SignCase{"p256", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                 EVP_sha256},
        SignCase{"p384", v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
                 EVP_sha384},
        SignCase{"ed25519", v1::SIGNATURE_SCHEME_ED25519, nullptr}),
    CaseName);

// A legacy RSA key may carry any RSA_METHOD, so OpenSslChecksRsaCrt does
// not vouch for it: its signatures go through the key's own verification,
// and good ones come out.
TEST(OpenSslPrivateKeyTest, RsaKeysOpenSslDoesNotCheckVerifyTheirSignatures) {
  const TestKey& provider_key = KeyOf("rsa-2048");
  EvpPkeyPtr generated = testing::GenerateKey("rsa-2048").value();
  std::unique_ptr<RSA, decltype(&RSA_free)> rsa(
      EVP_PKEY_get1_RSA(generated.get()), RSA_free);
  ASSERT_NE(rsa, nullptr);
  EvpPkeyPtr legacy(EVP_PKEY_new());
  ASSERT_EQ(EVP_PKEY_set1_RSA(legacy.get(), rsa.get()), 1);
  X509Ptr certificate =
      testing::SelfSignedCertificate(legacy.get(), {}).value();
  std::unique_ptr<OpenSslPrivateKey> key =
      OpenSslPrivateKey::Create(std::move(legacy)).value();
  const std::string message = "TLS 1.3, server CertificateVerify\0 input"s;
  for (v1::SignatureScheme scheme :
       {v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512}) {
    absl::StatusOr<std::string> signature = key->SignMessage(scheme, message);
    ASSERT_THAT(signature, IsOk());
    EXPECT_TRUE(testing::VerifySignature(
        X509_get0_pubkey(certificate.get()), scheme, message, *signature));
    EXPECT_FALSE(testing::VerifySignature(provider_key.public_key(), scheme,
                                          message, *signature));
  }
}

TEST(OpenSslPrivateKeyTest, Md5Sha1SignsTheRawDigestWithoutDigestInfo) {
  const TestKey& key = KeyOf("rsa-2048");
  const std::string message = "TLS 1.1 ServerKeyExchange";
  const std::string digest =
      Digest(EVP_md5(), message) + Digest(EVP_sha1(), message);
  ASSERT_EQ(digest.size(), 36u);
  absl::StatusOr<std::string> signature = key.private_key->SignDigest(
      v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, digest);
  ASSERT_THAT(signature, IsOk());
  // The signed block must be exactly the 36 bytes, with no DigestInfo.
  EXPECT_TRUE(testing::VerifySignature(key.public_key(),
                                       v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
                                       message, *signature));
}

TEST(OpenSslPrivateKeyTest, Md5Sha1IsDigestOnly) {
  EXPECT_THAT(KeyOf("rsa-2048")
                  .private_key->SignMessage(
                      v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, "m"),
              StatusIs(kFailed, HasSubstr("digests only")));
  EXPECT_THAT(
      KeyOf("p256").private_key->SignDigest(
          v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, std::string(36, 'd')),
      StatusIs(kFailed, HasSubstr("does not fit")));
}

TEST(OpenSslPrivateKeyTest, SchemeMismatchesAreFailedPrecondition) {
  struct Case {
    const char* kind;
    v1::SignatureScheme scheme;
  };
  for (const Case& c : {
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256},
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_ED25519},
           Case{"p256", v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384},
           Case{"p256", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256},
           Case{"p384", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256},
           Case{"p384", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384},
           Case{"ed25519", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256},
           Case{"ed25519", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256},
       }) {
    SCOPED_TRACE(absl::StrCat(c.kind, " ", v1::SignatureScheme_Name(c.scheme)));
    const PrivateKey& key = *KeyOf(c.kind).private_key;
    EXPECT_THAT(key.SignMessage(c.scheme, "m"),
                StatusIs(kFailed, HasSubstr("does not fit a KEY_ALGORITHM_")));
    EXPECT_THAT(key.SignDigest(c.scheme, std::string(32, 'd')),
                StatusIs(kFailed, HasSubstr("does not fit")));
  }
}

TEST(OpenSslPrivateKeyTest, UnknownSchemesAreInvalidArguments) {
  const PrivateKey& key = *KeyOf("rsa-2048").private_key;
  for (auto scheme : {v1::SIGNATURE_SCHEME_UNSPECIFIED,
                      static_cast<v1::SignatureScheme>(0x0203)}) {
    EXPECT_THAT(
        key.SignMessage(scheme, "m"),
        StatusIs(kInvalid, HasSubstr("scheme: unspecified or unknown")));
    EXPECT_THAT(key.SignDigest(scheme, std::string(32, 'd')),
                StatusIs(kInvalid, HasSubstr("scheme")));
  }
}

TEST(OpenSslPrivateKeyTest, Ed25519RefusesDigests) {
  EXPECT_THAT(KeyOf("ed25519").private_key->SignDigest(
                  v1::SIGNATURE_SCHEME_ED25519, std::string(64, 'd')),
              StatusIs(kFailed, HasSubstr("Ed25519 signs messages only")));
}

TEST(OpenSslPrivateKeyTest, DigestLengthMustMatchTheScheme) {
  struct Case {
    const char* kind;
    v1::SignatureScheme scheme;
    size_t length;
  };
  for (const Case& c : {
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, 32},
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384, 48},
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512, 64},
           Case{"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, 36},
           Case{"p256", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, 32},
           Case{"p384", v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, 48},
       }) {
    const PrivateKey& key = *KeyOf(c.kind).private_key;
    for (size_t length : {size_t{0}, c.length - 1, c.length + 1, size_t{20}}) {
      SCOPED_TRACE(
          absl::StrCat(v1::SignatureScheme_Name(c.scheme), " ", length));
      EXPECT_THAT(key.SignDigest(c.scheme, std::string(length, 'd')),
                  StatusIs(kInvalid, HasSubstr(absl::StrCat(
                                         "digest: ", length, " bytes; ",
                                         v1::SignatureScheme_Name(c.scheme),
                                         " needs exactly ", c.length))));
    }
    EXPECT_THAT(key.SignDigest(c.scheme, std::string(c.length, 'd')), IsOk());
  }
}

TEST(OpenSslPrivateKeyTest, CreateRefusesNullAndWeakKeys) {
  EXPECT_THAT(OpenSslPrivateKey::Create(nullptr),
              StatusIs(kInvalid, HasSubstr("null")));
  EXPECT_THAT(
      OpenSslPrivateKey::Create(testing::GenerateKey("rsa-1024").value()),
      StatusIs(kFailed, HasSubstr("weak RSA key: 1024 bits")));
  EXPECT_THAT(OpenSslPrivateKey::Create(testing::GenerateKey("p521").value()),
              StatusIs(kFailed, HasSubstr("secp521r1")));
}

TEST(OpenSslPrivateKeyTest, TypeIsReported) {
  EXPECT_EQ(KeyOf("rsa-3072").private_key->type().algorithm,
            v1::KEY_ALGORITHM_RSA);
  EXPECT_EQ(KeyOf("rsa-3072").private_key->type().bits, 3072u);
  EXPECT_EQ(KeyOf("ed25519").private_key->type().algorithm,
            v1::KEY_ALGORITHM_ED25519);
}

TEST(OpenSslPrivateKeyTest, DecryptPreMasterDelegatesForRsa) {
  const TestKey& key = KeyOf("rsa-2048");
  std::string pre_master(48, '\0');
  pre_master[0] = 0x03;
  pre_master[1] = 0x03;
  for (size_t i = 2; i < pre_master.size(); ++i)
    pre_master[i] = static_cast<char>(i * 7);
  EvpPkeyCtxPtr ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.public_key(), nullptr));
  ASSERT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  std::string ciphertext(256, '\0');
  size_t length = ciphertext.size();
  ASSERT_EQ(EVP_PKEY_encrypt(ctx.get(),
                             reinterpret_cast<unsigned char*>(&ciphertext[0]),
                             &length, Bytes(pre_master), pre_master.size()),
            1);
  ASSERT_EQ(length, 256u);
  absl::StatusOr<handshake::SecretBytes> decrypted =
      key.private_key->DecryptPreMaster(ciphertext, 0x0303);
  ASSERT_THAT(decrypted, IsOk());
  EXPECT_EQ(std::string(decrypted->begin(), decrypted->end()), pre_master);
  // A wrong version gives 48 other bytes, never an error.
  absl::StatusOr<handshake::SecretBytes> synthetic =
      key.private_key->DecryptPreMaster(ciphertext, 0x0302);
  ASSERT_THAT(synthetic, IsOk());
  EXPECT_EQ(synthetic->size(), 48u);
  EXPECT_NE(std::string(synthetic->begin(), synthetic->end()), pre_master);
}

TEST(OpenSslPrivateKeyTest, DecryptPreMasterNeedsRsa) {
  for (const char* kind : {"p256", "p384", "ed25519"}) {
    EXPECT_THAT(KeyOf(kind).private_key->DecryptPreMaster(std::string(256, 'c'),
                                                          0x0303),
                StatusIs(kFailed, HasSubstr("DecryptPreMaster needs an RSA "
                                            "key")));
  }
}

}  // namespace
}  // namespace keyward::keystore
