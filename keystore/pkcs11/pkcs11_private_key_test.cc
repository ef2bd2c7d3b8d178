#include "keystore/pkcs11/pkcs11_private_key.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/openssl_private_key.h"
#include "keystore/pkcs11/key_object.h"
#include "keystore/pkcs11/session_pool.h"
#include "keystore/pkcs11/testing/softhsm_token.h"
#include "keystore/pkcs11/uri.h"
#include "keystore/signature_scheme.h"
#include "keystore/testing/test_keys.h"
#include "keystore/testing/verify_signature.h"
#include "tests/support/rsa_ciphertexts.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::SecretBytes;
using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kPin[] = "user-pin-5678";
const char* const kKinds[] = {"rsa-2048", "rsa-3072", "p256", "p384",
                              "ed25519"};

// PublicOnly returns a copy of `key` without its private part.
EvpPkeyPtr PublicOnly(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  const unsigned char* p = der;
  EvpPkeyPtr out(d2i_PUBKEY(nullptr, &p, length));
  OPENSSL_free(der);
  return out;
}

std::string Digest(const EVP_MD* md, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(
      EVP_Digest(message.data(), message.size(), out, &length, md, nullptr), 1);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string Str(const SecretBytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// The keys, generated once, imported into one token, with the file
// backend's handle for each for comparison.
struct Fixture {
  std::unique_ptr<testing::SoftHsmToken> token;
  std::map<std::string, EvpPkeyPtr> keys;
  std::map<std::string, std::unique_ptr<OpenSslPrivateKey>> file_keys;
};

Fixture& Shared() {
  static Fixture* const fixture = [] {
    auto* f = new Fixture();
    absl::StatusOr<testing::SoftHsmToken> token =
        testing::SoftHsmToken::Create("keys", kPin);
    EXPECT_THAT(token, IsOk());
    if (!token.ok()) return f;
    f->token = std::make_unique<testing::SoftHsmToken>(*std::move(token));
    for (const char* kind : kKinds) {
      absl::StatusOr<EvpPkeyPtr> key = keystore::testing::GenerateKey(kind);
      EXPECT_THAT(key, IsOk());
      EXPECT_THAT(f->token->ImportKey(key->get(), kind, kind), IsOk()) << kind;
      EVP_PKEY_up_ref(key->get());
      f->file_keys[kind] =
          OpenSslPrivateKey::Create(EvpPkeyPtr(key->get())).value();
      f->keys[kind] = *std::move(key);
    }
    return f;
  }();
  return *fixture;
}

absl::StatusOr<std::shared_ptr<SessionPool>> OpenPool(size_t max_sessions) {
  TokenConfig config;
  config.label = Shared().token->label();
  config.module_path = testing::kSoftHsmModule;
  config.pin.assign(kPin, kPin + sizeof(kPin) - 1);
  config.max_sessions = max_sessions;
  return SessionPool::Open(std::move(config));
}

// Load makes a Pkcs11PrivateKey for the token object `object` with the
// public key of `kind`, through its own session pool.
absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> Load(
    const std::string& object, const std::string& kind,
    size_t max_sessions = 2) {
  absl::StatusOr<std::shared_ptr<SessionPool>> pool = OpenPool(max_sessions);
  if (!pool.ok()) return pool.status();
  absl::StatusOr<ObjectUri> uri =
      ParseObjectUri(Shared().token->KeyUri(object), CKO_PRIVATE_KEY);
  if (!uri.ok()) return uri.status();
  return Pkcs11PrivateKey::Create(std::make_shared<KeyObject>(*pool, *uri),
                                  PublicOnly(Shared().keys.at(kind).get()));
}

class Pkcs11PrivateKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(Shared().token, nullptr); }
};

TEST_F(Pkcs11PrivateKeyTest, EverySchemeVerifiesWithOpenSsl) {
  const std::string message = "keyward pkcs11 signing test";
  int checked = 0;
  for (const char* kind : kKinds) {
    absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> key = Load(kind, kind);
    ASSERT_THAT(key, IsOk()) << kind;
    EVP_PKEY* public_key = Shared().keys.at(kind).get();
    for (v1::SignatureScheme scheme : KnownSignatureSchemes()) {
      if (!SchemeFitsAlgorithm(scheme, (*key)->type().algorithm)) continue;
      if (scheme != v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) {
        absl::StatusOr<std::string> signature =
            (*key)->SignMessage(scheme, message);
        ASSERT_THAT(signature, IsOk()) << kind << " " << scheme;
        EXPECT_TRUE(keystore::testing::VerifySignature(public_key, scheme,
                                                       message, *signature))
            << kind << " " << v1::SignatureScheme_Name(scheme);
        ++checked;
      }
      if (scheme == v1::SIGNATURE_SCHEME_ED25519) continue;
      absl::StatusOr<std::string> signature =
          (*key)->SignDigest(scheme, Digest(SchemeDigest(scheme), message));
      ASSERT_THAT(signature, IsOk()) << kind << " " << scheme;
      EXPECT_TRUE(keystore::testing::VerifySignature(public_key, scheme,
                                                     message, *signature))
          << kind << " digest " << v1::SignatureScheme_Name(scheme);
      ++checked;
    }
  }
  // RSA: 6 schemes x 2 forms + MD5-SHA1 digest, twice; ECDSA 2 x 2; Ed25519.
  EXPECT_EQ(checked, 2 * 13 + 2 * 2 + 1);
}

TEST_F(Pkcs11PrivateKeyTest, RequestChecksMatchTheFileBackend) {
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> key = Load("p256", "p256");
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(
      (*key)->SignDigest(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "short"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("digest")));
  EXPECT_THAT((*key)->SignMessage(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, "m"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("")));
  EXPECT_THAT(
      (*key)->SignMessage(v1::SIGNATURE_SCHEME_UNSPECIFIED, "m"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scheme")));
  EXPECT_THAT(
      (*key)->DecryptPreMaster(std::string(256, 'x'), 0x0303),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("RSA")));
}

TEST_F(Pkcs11PrivateKeyTest, PreMasterMatchesTheFileBackendByteForByte) {
  int checked = 0;
  for (const char* kind : {"rsa-2048", "rsa-3072"}) {
    absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> key = Load(kind, kind);
    ASSERT_THAT(key, IsOk()) << kind;
    const OpenSslPrivateKey& file_key = *Shared().file_keys.at(kind);
    EVP_PKEY* public_key = Shared().keys.at(kind).get();
    const size_t k = keyward::testing::ModulusLength(public_key);
    const std::string pre_master = keyward::testing::PreMaster(0x0303, 'p');
    struct Case {
      std::string name;
      std::string ciphertext;
      uint16_t version;
      bool synthetic;
    };
    const std::vector<Case> cases = {
        {"valid", keyward::testing::EncryptPkcs1(public_key, pre_master),
         0x0303, false},
        {"invalid padding",
         keyward::testing::EncryptRaw(
             public_key,
             keyward::testing::EncodedMessage(k, pre_master, 0x00, 0x01)),
         0x0303, true},
        {"wrong version",
         keyward::testing::EncryptPkcs1(public_key, pre_master), 0x0302, true},
        {"short message",
         keyward::testing::EncryptPkcs1(public_key, pre_master.substr(0, 47)),
         0x0303, true},
        {"c >= n", std::string(k, '\xff'), 0x0303, true},
    };
    for (const Case& c : cases) {
      absl::StatusOr<SecretBytes> from_token =
          (*key)->DecryptPreMaster(c.ciphertext, c.version);
      absl::StatusOr<SecretBytes> from_file =
          file_key.DecryptPreMaster(c.ciphertext, c.version);
      ASSERT_THAT(from_token, IsOk()) << kind << " " << c.name;
      ASSERT_THAT(from_file, IsOk()) << kind << " " << c.name;
      EXPECT_EQ(Str(*from_token), Str(*from_file)) << kind << " " << c.name;
      EXPECT_EQ(Str(*from_token) == pre_master, !c.synthetic)
          << kind << " " << c.name;
      ++checked;
    }
    EXPECT_THAT(
        (*key)->DecryptPreMaster(std::string(k - 1, 'x'), 0x0303),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ciphertext")));
  }
  EXPECT_EQ(checked, 10);
}

TEST_F(Pkcs11PrivateKeyTest, SyntheticValueIsTheSameForSeparateLoads) {
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> first =
      Load("rsa-2048", "rsa-2048");
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> second =
      Load("rsa-2048", "rsa-2048");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EVP_PKEY* public_key = Shared().keys.at("rsa-2048").get();
  const std::string bad = keyward::testing::EncryptRaw(
      public_key,
      keyward::testing::EncodedMessage(
          256, keyward::testing::PreMaster(0x0303, 'q'), 0x00, 0x03));
  absl::StatusOr<SecretBytes> a = (*first)->DecryptPreMaster(bad, 0x0303);
  absl::StatusOr<SecretBytes> b = (*second)->DecryptPreMaster(bad, 0x0303);
  absl::StatusOr<SecretBytes> again = (*first)->DecryptPreMaster(bad, 0x0303);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(Str(*a), Str(*b));
  EXPECT_EQ(Str(*a), Str(*again));
  EXPECT_EQ(a->size(), 48u);
}

TEST_F(Pkcs11PrivateKeyTest, KeyOfAnotherCertificateIsRefused) {
  // The token's rsa-2048 object with rsa-3072's public key, and so on.
  EXPECT_THAT(Load("rsa-2048", "rsa-3072"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("rejection seed")));
  EXPECT_THAT(Load("p256", "p384"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("does not match")));
  EXPECT_THAT(Load("p256", "rsa-2048"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("CKA_KEY_TYPE")));
  EXPECT_THAT(Load("no-such-key", "p256"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no such object")));
}

TEST_F(Pkcs11PrivateKeyTest, WrongPinFailsTheLoad) {
  TokenConfig config;
  config.label = Shared().token->label();
  config.module_path = testing::kSoftHsmModule;
  config.pin = {'0', '0', '0', '0'};
  // The token is logged in already by the other pools of this process, and
  // login state is per application: a wrong PIN shows only on a fresh
  // login, so this pool opens on a token nobody else uses.
  absl::StatusOr<testing::SoftHsmToken> other =
      testing::SoftHsmToken::Create("wrong-pin", kPin);
  ASSERT_THAT(other, IsOk());
  config.label = other->label();
  EXPECT_THAT(SessionPool::Open(std::move(config)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("CKR_PIN_INCORRECT")));
}

TEST_F(Pkcs11PrivateKeyTest, MissingTokenFailsTheLoad) {
  TokenConfig config;
  config.label = "not-there";
  config.module_path = testing::kSoftHsmModule;
  config.pin = {'1'};
  EXPECT_THAT(SessionPool::Open(std::move(config)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("token \"not-there\"")));
}

// The token loses its keys mid-run and gets them back: operations fail
// cleanly while they are gone and work again afterwards with the same key
// objects (no reload).
TEST_F(Pkcs11PrivateKeyTest, TokenWipedAndReprovisioned) {
  absl::StatusOr<testing::SoftHsmToken> token =
      testing::SoftHsmToken::Create("removable", kPin);
  ASSERT_THAT(token, IsOk());
  ASSERT_THAT(token->ImportKey(Shared().keys.at("rsa-2048").get(), "rsa", "1"),
              IsOk());
  ASSERT_THAT(token->ImportKey(Shared().keys.at("p256").get(), "ec", "2"),
              IsOk());
  TokenConfig config;
  config.label = token->label();
  config.module_path = testing::kSoftHsmModule;
  config.pin.assign(kPin, kPin + sizeof(kPin) - 1);
  config.max_sessions = 3;
  absl::StatusOr<std::shared_ptr<SessionPool>> pool =
      SessionPool::Open(std::move(config));
  ASSERT_THAT(pool, IsOk());
  const auto load = [&](const std::string& object, const std::string& kind) {
    return Pkcs11PrivateKey::Create(
        std::make_shared<KeyObject>(
            *pool,
            ParseObjectUri(token->KeyUri(object), CKO_PRIVATE_KEY).value()),
        PublicOnly(Shared().keys.at(kind).get()));
  };
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> rsa =
      load("rsa", "rsa-2048");
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> ec = load("ec", "p256");
  ASSERT_THAT(rsa, IsOk());
  ASSERT_THAT(ec, IsOk());
  EVP_PKEY* rsa_public = Shared().keys.at("rsa-2048").get();
  const std::string pre_master = keyward::testing::PreMaster(0x0303, 'r');
  const std::string ciphertext =
      keyward::testing::EncryptPkcs1(rsa_public, pre_master);
  const auto all_work = [&] {
    absl::StatusOr<std::string> a =
        (*rsa)->SignMessage(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, "m");
    absl::StatusOr<std::string> b =
        (*ec)->SignMessage(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "m");
    absl::StatusOr<SecretBytes> c =
        (*rsa)->DecryptPreMaster(ciphertext, 0x0303);
    EXPECT_THAT(a, IsOk());
    EXPECT_THAT(b, IsOk());
    EXPECT_THAT(c, IsOk());
    return a.ok() && b.ok() && c.ok() && Str(*c) == pre_master &&
           keystore::testing::VerifySignature(
               rsa_public, v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, "m", *a);
  };
  ASSERT_TRUE(all_work());

  ASSERT_THAT(token->Wipe(), IsOk());
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(
        (*rsa)->SignMessage(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, "m"),
        StatusIs(absl::StatusCode::kUnavailable, HasSubstr("removable")));
    EXPECT_THAT(
        (*ec)->SignMessage(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "m"),
        StatusIs(absl::StatusCode::kUnavailable, HasSubstr("removable")));
    EXPECT_THAT(
        (*rsa)->DecryptPreMaster(ciphertext, 0x0303),
        StatusIs(absl::StatusCode::kUnavailable, HasSubstr("removable")));
  }

  ASSERT_THAT(token->ImportKey(Shared().keys.at("rsa-2048").get(), "rsa", "1"),
              IsOk());
  ASSERT_THAT(token->ImportKey(Shared().keys.at("p256").get(), "ec", "2"),
              IsOk());
  EXPECT_TRUE(all_work());
  EXPECT_TRUE(all_work());
}

// The whole token is pulled mid-run: every operation fails cleanly with
// Unavailable naming the token, again and again, and nothing crashes or
// blocks. (SoftHSM cannot bring a removed token back without a module
// restart; TokenWipedAndReprovisioned covers the recovery.)
TEST_F(Pkcs11PrivateKeyTest, TokenRemovedFailsCleanly) {
  absl::StatusOr<testing::SoftHsmToken> token =
      testing::SoftHsmToken::Create("pulled", kPin);
  ASSERT_THAT(token, IsOk());
  ASSERT_THAT(token->ImportKey(Shared().keys.at("rsa-3072").get(), "rsa", "1"),
              IsOk());
  ASSERT_THAT(token->ImportKey(Shared().keys.at("ed25519").get(), "ed", "2"),
              IsOk());
  TokenConfig config;
  config.label = token->label();
  config.module_path = testing::kSoftHsmModule;
  config.pin.assign(kPin, kPin + sizeof(kPin) - 1);
  absl::StatusOr<std::shared_ptr<SessionPool>> pool =
      SessionPool::Open(std::move(config));
  ASSERT_THAT(pool, IsOk());
  const auto load = [&](const std::string& object, const std::string& kind) {
    return Pkcs11PrivateKey::Create(
        std::make_shared<KeyObject>(
            *pool,
            ParseObjectUri(token->KeyUri(object), CKO_PRIVATE_KEY).value()),
        PublicOnly(Shared().keys.at(kind).get()));
  };
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> rsa =
      load("rsa", "rsa-3072");
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> ed = load("ed", "ed25519");
  ASSERT_THAT(rsa, IsOk());
  ASSERT_THAT(ed, IsOk());
  const std::string ciphertext =
      keyward::testing::EncryptPkcs1(Shared().keys.at("rsa-3072").get(),
                                     keyward::testing::PreMaster(0x0303, 'x'));
  ASSERT_THAT((*rsa)->DecryptPreMaster(ciphertext, 0x0303), IsOk());
  ASSERT_THAT((*ed)->SignMessage(v1::SIGNATURE_SCHEME_ED25519, "m"), IsOk());

  ASSERT_THAT(token->Remove(), IsOk());
  int failed_cleanly = 0;
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT((*rsa)->DecryptPreMaster(ciphertext, 0x0303),
                StatusIs(absl::StatusCode::kUnavailable,
                         HasSubstr("token \"pulled\"")));
    EXPECT_THAT(
        (*rsa)->SignMessage(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384, "m"),
        StatusIs(absl::StatusCode::kUnavailable,
                 HasSubstr("token \"pulled\"")));
    EXPECT_THAT((*ed)->SignMessage(v1::SIGNATURE_SCHEME_ED25519, "m"),
                StatusIs(absl::StatusCode::kUnavailable,
                         HasSubstr("token \"pulled\"")));
    failed_cleanly += 3;
  }
  EXPECT_EQ(failed_cleanly, 15);
  // Other tokens of the same module are unaffected.
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> other =
      Load("p256", "p256");
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(
      (*other)->SignMessage(v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "m"),
      IsOk());
}

// A token reset closes the sessions and logs the process out: the next
// operations re-open, log in again and succeed; none fails.
TEST_F(Pkcs11PrivateKeyTest, TokenResetIsInvisible) {
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> rsa =
      Load("rsa-2048", "rsa-2048", /*max_sessions=*/3);
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> ec = Load("p384", "p384");
  ASSERT_THAT(rsa, IsOk());
  ASSERT_THAT(ec, IsOk());
  int succeeded = 0;
  for (int round = 0; round < 3; ++round) {
    ASSERT_THAT(Shared().token->Reset(), IsOk());
    absl::StatusOr<std::string> a =
        (*rsa)->SignMessage(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, "reset");
    absl::StatusOr<std::string> b = (*ec)->SignMessage(
        v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, "reset");
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(b, IsOk());
    EXPECT_TRUE(keystore::testing::VerifySignature(
        Shared().keys.at("rsa-2048").get(),
        v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384, "reset", *a));
    EXPECT_TRUE(keystore::testing::VerifySignature(
        Shared().keys.at("p384").get(),
        v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, "reset", *b));
    succeeded += 2;
  }
  EXPECT_EQ(succeeded, 6);
}

TEST_F(Pkcs11PrivateKeyTest, ConcurrentOperationsShareFewSessions) {
  absl::StatusOr<std::unique_ptr<Pkcs11PrivateKey>> key =
      Load("p256", "p256", /*max_sessions=*/2);
  ASSERT_THAT(key, IsOk());
  EVP_PKEY* public_key = Shared().keys.at("p256").get();
  constexpr int kThreads = 8;
  constexpr int kCalls = 20;
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string message = absl::StrCat("message ", t, " ", i);
        absl::StatusOr<std::string> signature = (*key)->SignMessage(
            v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, message);
        if (signature.ok() &&
            keystore::testing::VerifySignature(
                public_key, v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
                message, *signature)) {
          ++verified;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(verified.load(), kThreads * kCalls);
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
