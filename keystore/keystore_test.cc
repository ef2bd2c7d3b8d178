#include "keystore/keystore.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/openssl_ptr.h"
#include "keystore/testing/test_keys.h"
#include "keystore/testing/verify_signature.h"
#include "tests/support/dev_keystore.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

std::string Sha256Of(absl::string_view data) {
  unsigned char out[32];
  unsigned int length = 0;
  EXPECT_EQ(
      EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr),
      1);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::vector<std::string> Names(
    const std::vector<std::shared_ptr<const KeyEntry>>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) {
    out.push_back(absl::StrCat(entry->name, "@", entry->version));
  }
  return out;
}

// ReadChainDer reads a PEM chain file independently of the keystore.
std::vector<std::string> ReadChainDer(const std::string& path) {
  std::vector<std::string> out;
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  EXPECT_NE(bio, nullptr) << path;
  while (bio != nullptr) {
    X509Ptr certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (certificate == nullptr) break;
    unsigned char* der = nullptr;
    const int length = i2d_X509(certificate.get(), &der);
    out.emplace_back(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
  }
  return out;
}

struct DevKey {
  const char* name;
  v1::KeyAlgorithm algorithm;
  uint32_t bits;
  std::vector<std::string> host_names;
  size_t scheme_count;
};

TEST(KeystoreDevTest, LoadsEveryDevKeyWithItsMetadata) {
  absl::StatusOr<keyward::testing::DevKeystore> dev =
      keyward::testing::MakeDevKeystore("keystore_dev");
  ASSERT_THAT(dev, IsOk());
  const absl::Time now = absl::Now();
  std::vector<std::string> warnings;
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore =
      Keystore::LoadFromDirectory(dev->dir, now, &warnings);
  ASSERT_THAT(keystore, IsOk());
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ((*keystore)->loaded_at(), now);
  const std::vector<DevKey> expected = {
      {"rsa-2048",
       v1::KEY_ALGORITHM_RSA,
       2048,
       {"rsa-2048.dev.keyward.test", "www.example.test"},
       6},
      {"rsa-3072",
       v1::KEY_ALGORITHM_RSA,
       3072,
       {"rsa-3072.dev.keyward.test"},
       6},
      {"ecdsa-p256",
       v1::KEY_ALGORITHM_ECDSA_P256,
       256,
       {"ecdsa-p256.dev.keyward.test", "*.example.test"},
       1},
      {"ecdsa-p384",
       v1::KEY_ALGORITHM_ECDSA_P384,
       384,
       {"ecdsa-p384.dev.keyward.test"},
       1},
      {"ed25519",
       v1::KEY_ALGORITHM_ED25519,
       255,
       {"ed25519.dev.keyward.test"},
       1},
  };
  ASSERT_THAT((*keystore)->keys(), SizeIs(expected.size()));
  int signatures = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const KeyEntry& entry = *(*keystore)->keys()[i];
    SCOPED_TRACE(entry.name);
    EXPECT_EQ(entry.name, expected[i].name);
    EXPECT_EQ(entry.version, 1u);
    EXPECT_EQ(entry.state, v1::KEY_STATE_CURRENT);
    EXPECT_EQ(entry.usable_until, absl::InfiniteFuture());
    EXPECT_EQ(entry.algorithm, expected[i].algorithm);
    EXPECT_EQ(entry.key_bits, expected[i].bits);
    EXPECT_EQ(entry.host_names, expected[i].host_names);
    // The chain as the file holds it: leaf, then the dev CA.
    const std::vector<std::string> chain =
        ReadChainDer(absl::StrCat(dev->dir, "/keys/", entry.name, ".crt"));
    EXPECT_EQ(entry.certificate_chain_der, chain);
    ASSERT_THAT(chain, SizeIs(2));
    EXPECT_EQ(chain[1], ReadChainDer(dev->ca_cert())[0]);
    EXPECT_EQ(entry.certificate_sha256, Sha256Of(chain[0]));
    // key id and SPKI from the certificate, not from the private key.
    EvpPkeyPtr public_key(testing::PublicKeyOfCertificate(chain[0]));
    ASSERT_NE(public_key, nullptr);
    unsigned char* spki = nullptr;
    const int spki_length = i2d_PUBKEY(public_key.get(), &spki);
    const std::string spki_der(reinterpret_cast<char*>(spki), spki_length);
    OPENSSL_free(spki);
    EXPECT_EQ(entry.spki_der, spki_der);
    EXPECT_EQ(entry.key_id, absl::BytesToHexString(Sha256Of(spki_der)));
    EXPECT_EQ((*keystore)->FindByKeyId(entry.key_id, now).get(), &entry);
    EXPECT_EQ((*keystore)
                  ->FindByCertificateSha256(entry.certificate_sha256, now)
                  .get(),
              &entry);
    EXPECT_LE(entry.not_before, now);
    EXPECT_GT(entry.not_after, now + absl::Hours(24 * 800));
    // Policy from the manifest.
    const bool rsa = entry.algorithm == v1::KEY_ALGORITHM_RSA;
    std::vector<v1::Operation> edge_a = {v1::OPERATION_SIGN_STRUCTURED,
                                         v1::OPERATION_SIGN_RAW};
    if (rsa) edge_a.push_back(v1::OPERATION_RSA_KEY_EXCHANGE);
    EXPECT_EQ(entry.AllowedOperations("spiffe://keyward.dev/edge/a"), edge_a);
    if (entry.name == std::string("ecdsa-p256")) {
      EXPECT_THAT(entry.AllowedOperations("spiffe://keyward.dev/edge/b"),
                  ElementsAre(v1::OPERATION_SIGN_STRUCTURED));
    } else {
      EXPECT_THAT(entry.AllowedOperations("spiffe://keyward.dev/edge/b"),
                  IsEmpty());
    }
    EXPECT_FALSE(entry.allow_legacy_md5_sha1);
    // Every scheme the key supports signs, and verifies with the
    // certificate's public key.
    ASSERT_THAT(entry.SupportedSchemes(), SizeIs(expected[i].scheme_count));
    for (v1::SignatureScheme scheme : entry.SupportedSchemes()) {
      const std::string message = absl::StrCat("dev keystore ", scheme);
      absl::StatusOr<std::string> signature =
          entry.private_key->SignMessage(scheme, message);
      ASSERT_THAT(signature, IsOk()) << v1::SignatureScheme_Name(scheme);
      EXPECT_TRUE(testing::VerifySignature(public_key.get(), scheme, message,
                                           *signature));
      ++signatures;
    }
  }
  EXPECT_EQ(signatures, 6 + 6 + 1 + 1 + 1);
  EXPECT_THAT(Names((*keystore)->FindByServerName("www.example.test")),
              ElementsAre("rsa-2048@1"));
  EXPECT_THAT(Names((*keystore)->FindByServerName("api.example.test")),
              ElementsAre("ecdsa-p256@1"));
}

// KeystoreDirTest builds keystore directories from keys generated in the
// test.
class KeystoreDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    absl::StatusOr<std::string> dir = testing::FreshDirectory(
        absl::StrCat("keystore_", info->test_suite_name(), "_", info->name()));
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
  }

  // AddKey writes keys/`stem`.key and .crt for a new key of `kind` and
  // returns the key.
  EVP_PKEY* AddKey(const std::string& stem, const char* kind = "p256",
                   const testing::CertificateOptions& options = {}) {
    absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(kind);
    EXPECT_THAT(key, IsOk());
    absl::StatusOr<X509Ptr> certificate =
        testing::SelfSignedCertificate(key->get(), options);
    EXPECT_THAT(certificate, IsOk());
    EXPECT_THAT(testing::WriteKeyAndCertificate(dir_, stem, key->get(),
                                                certificate->get()),
                IsOk());
    keys_[stem] = *std::move(key);
    return keys_[stem].get();
  }

  void WriteManifest(const std::string& text) {
    ASSERT_THAT(testing::WriteFile(dir_ + "/manifest.textproto", text, 0644),
                IsOk());
  }

  absl::StatusOr<std::shared_ptr<const Keystore>> Load(
      absl::Time now = absl::Now()) {
    warnings_.clear();
    return Keystore::LoadFromDirectory(dir_, now, &warnings_);
  }

  std::string Path(const std::string& relative) const {
    return absl::StrCat(dir_, "/", relative);
  }

  std::string dir_;
  std::map<std::string, EvpPkeyPtr> keys_;
  std::vector<std::string> warnings_;
};

TEST_F(KeystoreDirTest, MissingManifestIsNamed) {
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("manifest.textproto") +
                                                  ": cannot open")));
}

TEST_F(KeystoreDirTest, ManifestErrorsNameTheLine) {
  AddKey("a");
  WriteManifest(testing::ManifestKey("a", 1, "a") +
                testing::ManifestKey("a", 1, "a"));
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr(Path("manifest.textproto") +
                                          ":11:1: key \"a\" version 1 is "
                                          "already defined at ")));
  WriteManifest(testing::ManifestKey("a", 2, "a") +
                testing::ManifestKey("a", 1, "a"));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("usable_until is required")));
}

TEST_F(KeystoreDirTest, MissingKeyOrChainFileIsNamed) {
  WriteManifest(testing::ManifestKey("a", 1, "absent"));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/absent.key") +
                                                  ": cannot open: No such "
                                                  "file or directory")));
  AddKey("a");
  ASSERT_EQ(std::remove(Path("keys/a.crt").c_str()), 0);
  WriteManifest(testing::ManifestKey("a", 1, "a"));
  EXPECT_THAT(Load(), StatusIs(kFailed, AllOf(HasSubstr("key \"a\" version 1"),
                                              HasSubstr(Path("keys/a.crt") +
                                                        ": cannot open"))));
}

TEST_F(KeystoreDirTest, CorruptAndTruncatedKeyFilesAreNamed) {
  AddKey("a");
  WriteManifest(testing::ManifestKey("a", 1, "a"));
  std::ifstream in(Path("keys/a.key"));
  std::stringstream pem;
  pem << in.rdbuf();
  for (const std::string& bad :
       {std::string("garbage\n"), pem.str().substr(0, pem.str().size() / 2),
        pem.str().substr(0, 40)}) {
    ASSERT_THAT(testing::WriteFile(Path("keys/a.key"), bad, 0600), IsOk());
    EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/a.key") +
                                                    ": no readable private "
                                                    "key")));
  }
}

TEST_F(KeystoreDirTest, KeyFileReadableByOthersIsRefused) {
  AddKey("a");
  WriteManifest(testing::ManifestKey("a", 1, "a"));
  ASSERT_EQ(chmod(Path("keys/a.key").c_str(), 0644), 0);
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr(Path("keys/a.key") +
                                          ": permissions 0644 are too open")));
  ASSERT_EQ(chmod(Path("keys/a.key").c_str(), 0600), 0);
  EXPECT_THAT(Load(), IsOk());
}

TEST_F(KeystoreDirTest, MismatchedCertificateIsNamed) {
  AddKey("a");
  AddKey("b");
  // a's key with b's certificate.
  ASSERT_EQ(std::rename(Path("keys/b.crt").c_str(), Path("keys/a.crt").c_str()),
            0);
  WriteManifest(testing::ManifestKey("a", 1, "a"));
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr(Path("keys/a.crt") +
                                          ": the leaf certificate's public "
                                          "key does not match the private "
                                          "key in " +
                                          Path("keys/a.key"))));
}

TEST_F(KeystoreDirTest, WeakAndUnsupportedKeysAreNamed) {
  AddKey("weak", "rsa-1024");
  WriteManifest(testing::ManifestKey("weak", 1, "weak"));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/weak.key") +
                                                  ": weak RSA key: 1024 "
                                                  "bits")));
  AddKey("p521", "p521");
  WriteManifest(testing::ManifestKey("p521", 1, "p521"));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/p521.key") +
                                                  ": unsupported EC curve "
                                                  "secp521r1")));
}

TEST_F(KeystoreDirTest, EncryptedKeysWithPassphraseFileAndEnvironment) {
  EVP_PKEY* key = AddKey("a");
  ASSERT_THAT(testing::WriteFile(
                  Path("keys/a.key"),
                  testing::EncryptedPkcs8Pem(key, "s3cret").value(), 0600),
              IsOk());
  // Missing passphrase.
  WriteManifest(testing::ManifestKey("a", 1, "a"));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/a.key") +
                                                  ": the private key is "
                                                  "encrypted and no "
                                                  "passphrase is configured")));
  // Wrong passphrase from a file.
  WriteManifest(testing::ManifestKey(
      "a", 1, "a", "  passphrase_file: \"secrets/a.pass\"\n"));
  ASSERT_THAT(testing::WriteFile(Path("secrets/a.pass"), "wrong\n", 0600),
              IsOk());
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(Path("keys/a.key") +
                                                  ": cannot decrypt the "
                                                  "private key: wrong "
                                                  "passphrase")));
  // The right one.
  ASSERT_THAT(testing::WriteFile(Path("secrets/a.pass"), "s3cret\n", 0600),
              IsOk());
  EXPECT_THAT(Load(), IsOk());
  // From the environment.
  WriteManifest(testing::ManifestKey(
      "a", 1, "a", "  passphrase_env: \"KEYWARD_KEYSTORE_TEST_PASS\"\n"));
  ASSERT_EQ(unsetenv("KEYWARD_KEYSTORE_TEST_PASS"), 0);
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("KEYWARD_KEYSTORE_TEST_PASS "
                                                  "(passphrase_env) is not "
                                                  "set")));
  ASSERT_EQ(setenv("KEYWARD_KEYSTORE_TEST_PASS", "wrong", 1), 0);
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("wrong passphrase")));
  ASSERT_EQ(setenv("KEYWARD_KEYSTORE_TEST_PASS", "s3cret", 1), 0);
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore = Load();
  ASSERT_THAT(keystore, IsOk());
  EXPECT_THAT((*keystore)->keys()[0]->private_key->SignMessage(
                  v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "m"),
              IsOk());
}

TEST_F(KeystoreDirTest, DuplicateKeysAreRefused) {
  AddKey("a");
  WriteManifest(testing::ManifestKey("a", 1, "a") +
                testing::ManifestKey("b", 1, "a"));
  EXPECT_THAT(Load(), StatusIs(kFailed, AllOf(HasSubstr(": the same key as " +
                                                        Path("keys/a.key")),
                                              HasSubstr("(key id "))));
}

TEST_F(KeystoreDirTest, CertificatesOutsideTheirValidityLoadWithWarnings) {
  const absl::Time now = absl::Now();
  testing::CertificateOptions expired;
  expired.not_before = now - absl::Hours(48);
  expired.not_after = now - absl::Hours(24);
  testing::CertificateOptions future;
  future.not_before = now + absl::Hours(24);
  future.not_after = now + absl::Hours(48);
  AddKey("expired", "p256", expired);
  AddKey("future", "p384", future);
  WriteManifest(testing::ManifestKey("expired", 1, "expired") +
                testing::ManifestKey("future", 1, "future"));
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore = Load(now);
  ASSERT_THAT(keystore, IsOk());
  EXPECT_THAT((*keystore)->keys(), SizeIs(2));
  EXPECT_THAT(
      warnings_,
      ElementsAre(
          AllOf(HasSubstr("key \"expired\" version 1"),
                HasSubstr(Path("keys/expired.crt") +
                          ": the leaf certificate expired at "),
                HasSubstr("loaded anyway")),
          AllOf(HasSubstr(Path("keys/future.crt") +
                          ": the leaf certificate is not valid before "),
                HasSubstr("loaded anyway"))));
}

TEST_F(KeystoreDirTest, RotationKeepsThePreviousKeyUntilItsDeadline) {
  const absl::Time now = absl::Now();
  const absl::Time deadline = now + absl::Hours(1);
  testing::CertificateOptions www;
  www.dns_names = {"www.example.test"};
  AddKey("www-1", "p256", www);
  AddKey("www-2", "p256", www);
  WriteManifest(testing::ManifestKey("www", 2, "www-2") +
                testing::ManifestKey(
                    "www", 1, "www-1",
                    absl::StrCat("  usable_until: \"",
                                 absl::FormatTime(absl::RFC3339_full, deadline,
                                                  absl::UTCTimeZone()),
                                 "\"\n")));
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore = Load(now);
  ASSERT_THAT(keystore, IsOk());
  EXPECT_THAT(warnings_, IsEmpty());
  ASSERT_THAT((*keystore)->keys(), SizeIs(2));
  const KeyEntry& current = *(*keystore)->keys()[0];
  const KeyEntry& previous = *(*keystore)->keys()[1];
  EXPECT_EQ(current.state, v1::KEY_STATE_CURRENT);
  EXPECT_EQ(previous.state, v1::KEY_STATE_PREVIOUS);
  EXPECT_EQ(previous.usable_until, deadline);
  // Host names choose only the current key ...
  EXPECT_THAT(Names((*keystore)->FindByServerName("www.example.test")),
              ElementsAre("www@2"));
  // ... key ids and certificate hashes find both until the deadline ...
  EXPECT_EQ((*keystore)->FindByKeyId(current.key_id, now).get(), &current);
  EXPECT_EQ((*keystore)->FindByKeyId(previous.key_id, now).get(), &previous);
  EXPECT_EQ((*keystore)
                ->FindByCertificateSha256(previous.certificate_sha256, now)
                .get(),
            &previous);
  EXPECT_THAT(Names((*keystore)->ListCovering("www.example.test")),
              ElementsAre("www@2", "www@1"));
  // ... and only the current one after it.
  EXPECT_EQ((*keystore)->FindByKeyId(previous.key_id, deadline), nullptr);
  EXPECT_EQ((*keystore)->FindByCertificateSha256(previous.certificate_sha256,
                                                 deadline),
            nullptr);
  EXPECT_EQ((*keystore)->FindByKeyId(current.key_id, deadline).get(), &current);
  // A reload after the deadline leaves the old key out, with a warning.
  keystore = Load(deadline + absl::Seconds(1));
  ASSERT_THAT(keystore, IsOk());
  EXPECT_THAT(Names((*keystore)->keys()), ElementsAre("www@2"));
  EXPECT_THAT(warnings_, ElementsAre(AllOf(HasSubstr("key \"www\" version 1 "
                                                     "was usable until "),
                                           HasSubstr("; not loaded"))));
  // The unknown stays unknown.
  EXPECT_EQ((*keystore)->FindByKeyId(std::string(64, '0'), now), nullptr);
  EXPECT_EQ((*keystore)->FindByCertificateSha256(std::string(32, '\0'), now),
            nullptr);
}

TEST_F(KeystoreDirTest, LegacyMd5Sha1OnlyWhereTheManifestAllowsIt) {
  AddKey("legacy", "rsa-2048");
  AddKey("modern", "rsa-2048");
  WriteManifest(testing::ManifestKey("legacy", 1, "legacy",
                                     "  allow_legacy_md5_sha1: true\n") +
                testing::ManifestKey("modern", 1, "modern"));
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore = Load();
  ASSERT_THAT(keystore, IsOk());
  const KeyEntry& legacy = *(*keystore)->keys()[0];
  const KeyEntry& modern = *(*keystore)->keys()[1];
  EXPECT_TRUE(legacy.SupportsScheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1));
  EXPECT_THAT(legacy.SupportedSchemes(), SizeIs(7));
  EXPECT_FALSE(modern.SupportsScheme(v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1));
  EXPECT_THAT(modern.SupportedSchemes(), SizeIs(6));
  // The legacy form signs MD5(m) || SHA-1(m) as is.
  const std::string message = "TLS 1.0 ServerKeyExchange";
  unsigned char md5[16], sha1[20];
  ASSERT_EQ(EVP_Digest(message.data(), message.size(), md5, nullptr, EVP_md5(),
                       nullptr),
            1);
  ASSERT_EQ(EVP_Digest(message.data(), message.size(), sha1, nullptr,
                       EVP_sha1(), nullptr),
            1);
  const std::string digest =
      std::string(reinterpret_cast<char*>(md5), sizeof(md5)) +
      std::string(reinterpret_cast<char*>(sha1), sizeof(sha1));
  absl::StatusOr<std::string> signature = legacy.private_key->SignDigest(
      v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1, digest);
  ASSERT_THAT(signature, IsOk());
  EvpPkeyPtr public_key(
      testing::PublicKeyOfCertificate(legacy.certificate_chain_der[0]));
  EXPECT_TRUE(testing::VerifySignature(public_key.get(),
                                       v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1,
                                       message, *signature));
}

TEST_F(KeystoreDirTest, ServerNameSelection) {
  testing::CertificateOptions exact, wildcard, deeper, rsa_exact;
  exact.dns_names = {"www.example.test"};
  wildcard.dns_names = {"*.example.test", "example.test"};
  deeper.dns_names = {"*.b.example.test"};
  rsa_exact.dns_names = {"WWW.EXAMPLE.TEST"};
  AddKey("exact", "p256", exact);
  AddKey("wildcard", "p256", wildcard);
  AddKey("deeper", "p384", deeper);
  AddKey("rsa-exact", "rsa-2048", rsa_exact);
  WriteManifest(testing::ManifestKey("exact", 1, "exact") +
                testing::ManifestKey("wildcard", 1, "wildcard") +
                testing::ManifestKey("deeper", 1, "deeper") +
                testing::ManifestKey("rsa-exact", 1, "rsa-exact"));
  absl::StatusOr<std::shared_ptr<const Keystore>> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  const Keystore& keystore = **loaded;
  // Exact beats wildcard; case-insensitive; every exact match, in manifest
  // order.
  EXPECT_THAT(Names(keystore.FindByServerName("www.example.test")),
              ElementsAre("exact@1", "rsa-exact@1"));
  EXPECT_THAT(Names(keystore.FindByServerName("WwW.Example.TEST")),
              ElementsAre("exact@1", "rsa-exact@1"));
  // The wildcard covers one more leftmost label ...
  EXPECT_THAT(Names(keystore.FindByServerName("api.example.test")),
              ElementsAre("wildcard@1"));
  EXPECT_THAT(Names(keystore.FindByServerName("x.b.example.test")),
              ElementsAre("deeper@1"));
  // ... never two, and not the bare domain (here covered exactly instead).
  EXPECT_THAT(keystore.FindByServerName("x.y.example.test"), IsEmpty());
  EXPECT_THAT(Names(keystore.FindByServerName("example.test")),
              ElementsAre("wildcard@1"));
  EXPECT_THAT(keystore.FindByServerName("b.example.test"),
              ElementsAre(keystore.keys()[1]));
  EXPECT_THAT(keystore.FindByServerName("other.test"), IsEmpty());
  EXPECT_THAT(Names(keystore.ListCovering("www.example.test")),
              ElementsAre("exact@1", "wildcard@1", "rsa-exact@1"));
}

}  // namespace
}  // namespace keyward::keystore
