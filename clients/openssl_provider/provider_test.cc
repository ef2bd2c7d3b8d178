// The provider in process (registered with OSSL_PROVIDER_add_builtin, so
// this test also runs under the sanitizers) against the real key service
// (TestServer): keys opened through OSSL_STORE, every signature scheme,
// TLS pre-master decryption, what the keys refuse, and error reporting.
#include "clients/openssl_provider/provider.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/store.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/openssl_provider/openssl_ptr.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward::provider {
namespace {

using openssl::EvpPkeyPtr;

// ProviderTest: one key service for the suite; each test loads the
// default and keyward providers into a library context of its own.
class ProviderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore("provider");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new keyward::testing::DevKeystore(*keystore);
    absl::StatusOr<std::unique_ptr<keyward::testing::TestServer>> server =
        keyward::testing::TestServer::Start(
            keyward::testing::TestServerConfig(*keystore_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }

  static void TearDownTestSuite() {
    delete server_;
    delete keystore_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    SetSettings(absl::StrCat("127.0.0.1:", server_->port()));
    Load();
  }

  void TearDown() override { Unload(); }

  // SetSettings sets the provider's environment (read when it loads).
  static void SetSettings(const std::string& endpoint) {
    setenv("KEYWARD_ENDPOINT", endpoint.c_str(), 1);
    setenv("KEYWARD_CA", keystore_->ca_cert().c_str(), 1);
    setenv("KEYWARD_CERT", keystore_->client_cert('a').c_str(), 1);
    setenv("KEYWARD_KEY", keystore_->client_key('a').c_str(), 1);
    setenv("KEYWARD_TIMEOUT", "5s", 1);
  }

  // Load makes a library context with the default provider and then ours.
  void Load() {
    libctx_ = OSSL_LIB_CTX_new();
    ASSERT_NE(libctx_, nullptr);
    ASSERT_EQ(
        OSSL_PROVIDER_add_builtin(libctx_, kProviderName, &InitKeywardProvider),
        1);
    default_ = OSSL_PROVIDER_load(libctx_, "default");
    keyward_ = OSSL_PROVIDER_load(libctx_, kProviderName);
    ASSERT_NE(default_, nullptr);
    ASSERT_NE(keyward_, nullptr);
  }

  void Unload() {
    OSSL_PROVIDER_unload(keyward_);
    OSSL_PROVIDER_unload(default_);
    OSSL_LIB_CTX_free(libctx_);
    libctx_ = nullptr;
    ERR_clear_error();
  }

  // OpenKey loads the private key `uri` through OSSL_STORE; null when
  // there is none (with the reason in the thread's error queue).
  EvpPkeyPtr OpenKey(const std::string& uri) {
    openssl::StoreCtxPtr store(OSSL_STORE_open_ex(uri.c_str(), libctx_, nullptr,
                                                  nullptr, nullptr, nullptr,
                                                  nullptr, nullptr));
    if (store == nullptr) return nullptr;
    OSSL_STORE_expect(store.get(), OSSL_STORE_INFO_PKEY);
    while (OSSL_STORE_eof(store.get()) != 1) {
      openssl::StoreInfoPtr info(OSSL_STORE_load(store.get()));
      if (info == nullptr && OSSL_STORE_error(store.get()) == 1) break;
      if (info != nullptr &&
          OSSL_STORE_INFO_get_type(info.get()) == OSSL_STORE_INFO_PKEY) {
        return EvpPkeyPtr(OSSL_STORE_INFO_get1_PKEY(info.get()));
      }
    }
    return nullptr;
  }

  // Leaf reads a dev key's leaf certificate (OpenSSL's default context).
  static openssl::X509Ptr Leaf(const std::string& key) {
    openssl::BioPtr bio(
        BIO_new_file((keystore_->dir + "/keys/" + key + ".crt").c_str(), "r"));
    return openssl::X509Ptr(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  }

  static std::string LeafDer(const std::string& key) {
    openssl::X509Ptr leaf = Leaf(key);
    unsigned char* der = nullptr;
    const int length = i2d_X509(leaf.get(), &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
    return out;
  }

  static keyward::testing::DevKeystore* keystore_;
  static keyward::testing::TestServer* server_;
  OSSL_LIB_CTX* libctx_ = nullptr;
  OSSL_PROVIDER* default_ = nullptr;
  OSSL_PROVIDER* keyward_ = nullptr;
};

keyward::testing::DevKeystore* ProviderTest::keystore_ = nullptr;
keyward::testing::TestServer* ProviderTest::server_ = nullptr;

// Errors returns the thread's OpenSSL errors with their details, and
// clears them.
std::string Errors() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  while (unsigned long error =
             ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    absl::StrAppend(&out, text, " ", (flags & ERR_TXT_STRING) != 0 ? data : "",
                    "\n");
  }
  return out;
}

TEST_F(ProviderTest, OpensEveryKeyAsAPrivateKeyMatchingItsCertificate) {
  struct Case {
    const char* key;
    const char* type;
    int bits;
  } cases[] = {{"rsa-2048", "RSA", 2048},
               {"rsa-3072", "RSA", 3072},
               {"ecdsa-p256", "EC", 256},
               {"ecdsa-p384", "EC", 384},
               {"ed25519", "ED25519", 256}};
  for (const Case& c : cases) {
    EvpPkeyPtr key =
        OpenKey(absl::StrCat("keyward:host=", c.key, ".dev.keyward.test"));
    ASSERT_NE(key, nullptr) << c.key << ": " << Errors();
    EXPECT_EQ(EVP_PKEY_get0_provider(key.get()), keyward_) << c.key;
    EXPECT_TRUE(EVP_PKEY_is_a(key.get(), c.type)) << c.key;
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), c.bits) << c.key;
    openssl::X509Ptr leaf = Leaf(c.key);
    EXPECT_EQ(X509_check_private_key(leaf.get(), key.get()), 1)
        << c.key << ": " << Errors();
    // And not with another key's certificate.
    openssl::X509Ptr other =
        Leaf(c.key == std::string("ecdsa-p256") ? "ecdsa-p384" : "ecdsa-p256");
    EXPECT_NE(X509_check_private_key(other.get(), key.get()), 1) << c.key;
    ERR_clear_error();
  }
  // libssl asks the private key's group by its OBJ short name.
  EvpPkeyPtr p256 = OpenKey("keyward:host=ecdsa-p256.dev.keyward.test");
  ASSERT_NE(p256, nullptr);
  char group[64] = {};
  ASSERT_EQ(
      EVP_PKEY_get_utf8_string_param(p256.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                     group, sizeof group, nullptr),
      1);
  EXPECT_STREQ(group, "prime256v1");
}

struct SignCase {
  const char* key;
  const char* md;  // null for Ed25519
  int padding;     // RSA only
  v1::SignatureScheme scheme;
};

TEST_F(ProviderTest, SignsWithEveryScheme) {
  const SignCase cases[] = {
      {"rsa-2048", "SHA256", RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256},
      {"rsa-2048", "SHA384", RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384},
      {"rsa-3072", "SHA512", RSA_PKCS1_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512},
      {"rsa-2048", "SHA256", RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256},
      {"rsa-3072", "SHA384", RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384},
      {"rsa-2048", "SHA512", RSA_PKCS1_PSS_PADDING,
       v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA512},
      {"ecdsa-p256", "SHA256", 0, v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256},
      {"ecdsa-p384", "SHA384", 0, v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384},
      {"ed25519", nullptr, 0, v1::SIGNATURE_SCHEME_ED25519},
  };
  const std::string message = "TLS 1.3, server CertificateVerify: 146 bytes";
  for (const SignCase& c : cases) {
    SCOPED_TRACE(v1::SignatureScheme_Name(c.scheme));
    EvpPkeyPtr key =
        OpenKey(absl::StrCat("keyward:host=", c.key, ".dev.keyward.test"));
    ASSERT_NE(key, nullptr) << Errors();
    openssl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkey_ctx = nullptr;
    ASSERT_EQ(EVP_DigestSignInit_ex(md_ctx.get(), &pkey_ctx, c.md, libctx_,
                                    nullptr, key.get(), nullptr),
              1)
        << Errors();
    if (c.padding == RSA_PKCS1_PSS_PADDING) {
      ASSERT_GT(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, c.padding), 0);
      ASSERT_GT(
          EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST),
          0);
    }
    size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(message.data());
    ASSERT_EQ(
        EVP_DigestSign(md_ctx.get(), nullptr, &length, data, message.size()),
        1);
    EXPECT_EQ(length, static_cast<size_t>(EVP_PKEY_get_size(key.get())));
    std::string signature(length, '\0');
    ASSERT_EQ(EVP_DigestSign(md_ctx.get(),
                             reinterpret_cast<unsigned char*>(signature.data()),
                             &length, data, message.size()),
              1)
        << Errors();
    signature.resize(length);
    keyward::testing::EvpPkeyPtr public_key =
        keyward::testing::PublicKeyOfCertificate(LeafDer(c.key));
    EXPECT_TRUE(keyward::testing::VerifyMessageSignature(
        c.scheme, public_key.get(), message, signature));
  }
}

TEST_F(ProviderTest, StreamingAndDigestSigningGiveValidSignatures) {
  EvpPkeyPtr key = OpenKey("keyward:host=ecdsa-p384.dev.keyward.test");
  ASSERT_NE(key, nullptr) << Errors();
  keyward::testing::EvpPkeyPtr public_key =
      keyward::testing::PublicKeyOfCertificate(LeafDer("ecdsa-p384"));
  const std::string message = "first part, second part";

  openssl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestSignInit_ex(md_ctx.get(), nullptr, "SHA2-384", libctx_,
                                  nullptr, key.get(), nullptr),
            1);
  ASSERT_EQ(EVP_DigestSignUpdate(md_ctx.get(), message.data(), 11), 1);
  ASSERT_EQ(EVP_DigestSignUpdate(md_ctx.get(), message.data() + 11,
                                 message.size() - 11),
            1);
  size_t length = 0;
  ASSERT_EQ(EVP_DigestSignFinal(md_ctx.get(), nullptr, &length), 1);
  std::string streamed(length, '\0');
  ASSERT_EQ(EVP_DigestSignFinal(
                md_ctx.get(), reinterpret_cast<unsigned char*>(streamed.data()),
                &length),
            1)
      << Errors();
  streamed.resize(length);
  EXPECT_TRUE(keyward::testing::VerifyMessageSignature(
      v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, public_key.get(), message,
      streamed));

  // EVP_PKEY_sign over a digest the caller made (its hash by its length).
  unsigned char digest[48];
  unsigned int digest_length = 0;
  ASSERT_EQ(EVP_Digest(message.data(), message.size(), digest, &digest_length,
                       EVP_sha384(), nullptr),
            1);
  openssl::EvpPkeyCtxPtr sign_ctx(
      EVP_PKEY_CTX_new_from_pkey(libctx_, key.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_sign_init(sign_ctx.get()), 1) << Errors();
  length = 0;
  ASSERT_EQ(
      EVP_PKEY_sign(sign_ctx.get(), nullptr, &length, digest, digest_length),
      1);
  std::string signed_digest(length, '\0');
  ASSERT_EQ(
      EVP_PKEY_sign(sign_ctx.get(),
                    reinterpret_cast<unsigned char*>(signed_digest.data()),
                    &length, digest, digest_length),
      1)
      << Errors();
  signed_digest.resize(length);
  EXPECT_TRUE(keyward::testing::VerifyMessageSignature(
      v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, public_key.get(), message,
      signed_digest));
}

TEST_F(ProviderTest, RefusesSignaturesTheServiceDoesNotMake) {
  struct Case {
    const char* key;
    const char* md;
  } cases[] = {{"ecdsa-p256", "SHA384"},
               {"ecdsa-p384", "SHA256"},
               {"rsa-2048", "SHA1"},
               {"rsa-2048", "SHA224"},
               {"ed25519", "SHA512"}};
  for (const Case& c : cases) {
    EvpPkeyPtr key =
        OpenKey(absl::StrCat("keyward:host=", c.key, ".dev.keyward.test"));
    ASSERT_NE(key, nullptr) << Errors();
    openssl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
    EXPECT_NE(EVP_DigestSignInit_ex(md_ctx.get(), nullptr, c.md, libctx_,
                                    nullptr, key.get(), nullptr),
              1)
        << c.key << " " << c.md;
    ERR_clear_error();
  }
  // RSA-PSS only with a salt as long as the hash.
  EvpPkeyPtr rsa = OpenKey("keyward:host=rsa-2048.dev.keyward.test");
  ASSERT_NE(rsa, nullptr);
  openssl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit_ex(md_ctx.get(), &pkey_ctx, "SHA256", libctx_,
                                  nullptr, rsa.get(), nullptr),
            1);
  ASSERT_GT(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING), 0);
  EXPECT_LE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_MAX), 0);
  ASSERT_GT(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, 20), 0);
  size_t length = 256;
  unsigned char signature[256];
  EXPECT_NE(EVP_DigestSign(md_ctx.get(), signature, &length,
                           reinterpret_cast<const unsigned char*>("x"), 1),
            1);
  EXPECT_TRUE(absl::StrContains(Errors(), "salt")) << "no salt error";
}

TEST_F(ProviderTest, NeverExportsAPrivateHalf) {
  EvpPkeyPtr key = OpenKey("keyward:host=rsa-2048.dev.keyward.test");
  ASSERT_NE(key, nullptr) << Errors();
  OSSL_PARAM* params = nullptr;
  EXPECT_NE(EVP_PKEY_todata(key.get(), EVP_PKEY_KEYPAIR, &params), 1);
  ASSERT_EQ(EVP_PKEY_todata(key.get(), EVP_PKEY_PUBLIC_KEY, &params), 1);
  EXPECT_NE(OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_RSA_N), nullptr);
  EXPECT_EQ(OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_RSA_D), nullptr);
  OSSL_PARAM_free(params);
  openssl::BioPtr out(BIO_new(BIO_s_mem()));
  EXPECT_NE(PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0,
                                     nullptr, nullptr),
            1);
  EXPECT_EQ(PEM_write_bio_PUBKEY(out.get(), key.get()), 1);
}

// EncryptPreMaster encrypts `pre_master` to the RSA certificate of `key`
// (PKCS#1 v1.5, OpenSSL's default context), as a TLS client does.
std::string EncryptPreMaster(EVP_PKEY* public_key,
                             const std::string& pre_master) {
  openssl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(public_key, nullptr));
  size_t length = 0;
  if (EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0 ||
      EVP_PKEY_encrypt(
          ctx.get(), nullptr, &length,
          reinterpret_cast<const unsigned char*>(pre_master.data()),
          pre_master.size()) != 1) {
    return "";
  }
  std::string out(length, '\0');
  EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                   &length,
                   reinterpret_cast<const unsigned char*>(pre_master.data()),
                   pre_master.size());
  out.resize(length);
  return out;
}

TEST_F(ProviderTest, DecryptsTlsPreMasterSecretsWithImplicitRejection) {
  EvpPkeyPtr key = OpenKey("keyward:host=rsa-2048.dev.keyward.test");
  ASSERT_NE(key, nullptr) << Errors();
  keyward::testing::EvpPkeyPtr public_key =
      keyward::testing::PublicKeyOfCertificate(LeafDer("rsa-2048"));
  std::string pre_master(48, '\0');
  pre_master[0] = 3;
  pre_master[1] = 3;
  ASSERT_EQ(RAND_bytes(reinterpret_cast<unsigned char*>(&pre_master[2]), 46),
            1);
  const std::string ciphertext = EncryptPreMaster(public_key.get(), pre_master);
  ASSERT_EQ(ciphertext.size(), 256u);

  // Decrypt as libssl's tls_process_cke_rsa does.
  auto decrypt = [&](unsigned int client_version, int padding,
                     std::string* out) {
    openssl::EvpPkeyCtxPtr ctx(
        EVP_PKEY_CTX_new_from_pkey(libctx_, key.get(), nullptr));
    if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) <= 0) {
      return false;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_uint(OSSL_ASYM_CIPHER_PARAM_TLS_CLIENT_VERSION,
                        &client_version),
        OSSL_PARAM_END};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) return false;
    out->assign(48, '\0');
    size_t length = out->size();
    if (EVP_PKEY_decrypt(
            ctx.get(), reinterpret_cast<unsigned char*>(out->data()), &length,
            reinterpret_cast<const unsigned char*>(ciphertext.data()),
            ciphertext.size()) != 1) {
      return false;
    }
    out->resize(length);
    return true;
  };
  std::string decrypted;
  ASSERT_TRUE(decrypt(0x0303, RSA_PKCS1_WITH_TLS_PADDING, &decrypted))
      << Errors();
  EXPECT_EQ(decrypted, pre_master);

  // A version mismatch is not an error: a synthetic secret, the same for
  // the same ciphertext (RFC 5246 §7.4.7.1).
  std::string synthetic, again;
  ASSERT_TRUE(decrypt(0x0302, RSA_PKCS1_WITH_TLS_PADDING, &synthetic));
  ASSERT_TRUE(decrypt(0x0302, RSA_PKCS1_WITH_TLS_PADDING, &again));
  EXPECT_EQ(synthetic.size(), 48u);
  EXPECT_NE(synthetic, pre_master);
  EXPECT_EQ(synthetic, again);

  // Plain PKCS#1 decryption is not offered.
  std::string plain;
  EXPECT_FALSE(decrypt(0x0303, RSA_PKCS1_PADDING, &plain));
  EXPECT_TRUE(absl::StrContains(Errors(), "RSA_PKCS1_WITH_TLS_PADDING"));
}

TEST_F(ProviderTest, ReportsWhyAKeyCannotBeOpened) {
  EXPECT_EQ(OpenKey("keyward:name=rsa-2048"), nullptr);
  EXPECT_TRUE(absl::StrContains(Errors(), "bad key URI"));

  EXPECT_EQ(OpenKey("keyward:host=nothing.example.org"), nullptr);
  EXPECT_TRUE(absl::StrContains(Errors(), "NOT_FOUND"));

  // Settings are read when the provider loads.
  Unload();
  unsetenv("KEYWARD_CERT");
  Load();
  EXPECT_EQ(OpenKey("keyward:host=rsa-2048.dev.keyward.test"), nullptr);
  EXPECT_TRUE(absl::StrContains(Errors(), "KEYWARD_CERT"));

  Unload();
  SetSettings("127.0.0.1:1");
  Load();
  EXPECT_EQ(OpenKey("keyward:host=rsa-2048.dev.keyward.test"), nullptr);
  EXPECT_TRUE(absl::StrContains(Errors(), "UNAVAILABLE"));
}

TEST_F(ProviderTest, ReportsAKeyServiceFailureWhenSigning) {
  EvpPkeyPtr key = OpenKey("keyward:host=ecdsa-p256.dev.keyward.test");
  ASSERT_NE(key, nullptr) << Errors();
  // edge/b may only make structured signatures: the provider's raw digest
  // signature is refused by the service, and the error says so.
  Unload();
  SetSettings(absl::StrCat("127.0.0.1:", server_->port()));
  setenv("KEYWARD_CERT", keystore_->client_cert('b').c_str(), 1);
  setenv("KEYWARD_KEY", keystore_->client_key('b').c_str(), 1);
  Load();
  key = OpenKey("keyward:host=ecdsa-p256.dev.keyward.test");
  ASSERT_NE(key, nullptr) << Errors();
  openssl::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestSignInit_ex(md_ctx.get(), nullptr, "SHA256", libctx_,
                                  nullptr, key.get(), nullptr),
            1);
  unsigned char signature[128];
  size_t length = sizeof signature;
  EXPECT_NE(EVP_DigestSign(md_ctx.get(), signature, &length,
                           reinterpret_cast<const unsigned char*>("x"), 1),
            1);
  const std::string errors = Errors();
  EXPECT_TRUE(absl::StrContains(errors, "key service error")) << errors;
  EXPECT_TRUE(absl::StrContains(errors, "FAILED_PRECONDITION")) << errors;
}

}  // namespace
}  // namespace keyward::provider
