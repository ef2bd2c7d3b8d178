// Loading keystores whose keys (and leaf certificates) are on a PKCS #11
// token: the dev keystore moved onto a SoftHSM2 token, and the precise
// failures of bad token configurations.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/keystore.h"
#include "keystore/openssl_ptr.h"
#include "keystore/testing/verify_signature.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/pem_chain.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

class KeystorePkcs11Test : public ::testing::Test {
 protected:
  // Each test gets its own keystore and token ("dev-<name>").
  void Make(const std::string& name) {
    absl::StatusOr<keyward::testing::DevKeystore> keystore =
        keyward::testing::MakeDevKeystore(
            name, keyward::testing::KeyBackend::kPkcs11);
    ASSERT_THAT(keystore, IsOk());
    dir_ = keystore->dir;
    manifest_ = Read(dir_ + "/manifest.textproto");
  }
  absl::StatusOr<std::shared_ptr<const Keystore>> Load() {
    return Keystore::LoadFromDirectory(dir_, absl::Now(), nullptr);
  }
  // Rewrite replaces `from` by `to` in the original manifest.
  void Rewrite(const std::string& from, const std::string& to) {
    const std::string text = absl::StrReplaceAll(manifest_, {{from, to}});
    ASSERT_NE(text, manifest_) << from;
    Write(dir_ + "/manifest.textproto", text);
  }

  std::string dir_;
  std::string manifest_;
};

TEST_F(KeystorePkcs11Test, KeysAndLeavesComeFromTheToken) {
  Make("load");
  absl::StatusOr<std::shared_ptr<const Keystore>> keystore = Load();
  ASSERT_THAT(keystore, IsOk());
  ASSERT_EQ((*keystore)->keys().size(), 5u);
  int verified = 0;
  for (const auto& entry : (*keystore)->keys()) {
    SCOPED_TRACE(entry->name);
    // Leaf from the token, CA from ca/ca.crt: the same chain as the file.
    EXPECT_THAT(entry->certificate_chain_der,
                ElementsAreArray(keyward::testing::ReadPemChainDer(
                    absl::StrCat(dir_, "/keys/", entry->name, ".crt"))));
    EvpPkeyPtr public_key(keystore::testing::PublicKeyOfCertificate(
        entry->certificate_chain_der.front()));
    for (v1::SignatureScheme scheme : entry->SupportedSchemes()) {
      if (scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1) continue;
      absl::StatusOr<std::string> signature =
          entry->private_key->SignMessage(scheme, "token keystore");
      ASSERT_THAT(signature, IsOk());
      EXPECT_TRUE(keystore::testing::VerifySignature(
          public_key.get(), scheme, "token keystore", *signature));
      ++verified;
    }
  }
  // RSA 2 x 6, ECDSA 2 x 1, Ed25519 1.
  EXPECT_EQ(verified, 15);
  // A second snapshot (a reload) opens its own sessions and works too.
  absl::StatusOr<std::shared_ptr<const Keystore>> again = Load();
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT((*again)->keys().front()->private_key->SignMessage(
                  v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, "again"),
              IsOk());
}

TEST_F(KeystorePkcs11Test, PinProblemsAreNamed) {
  Make("pin");
  ASSERT_EQ(chmod((dir_ + "/pkcs11.pin").c_str(), 0604), 0);
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr(dir_ + "/pkcs11.pin")));
  Rewrite("pin_file: \"pkcs11.pin\"", "pin_env: \"KEYWARD_TEST_NO_SUCH_PIN\"");
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr("environment variable "
                                          "KEYWARD_TEST_NO_SUCH_PIN (pin_env "
                                          "of token \"dev-pin\")")));
  // Nothing logged in to this token yet: a wrong PIN shows.
  setenv("KEYWARD_TEST_WRONG_PIN", "not-the-pin", 1);
  Rewrite("pin_file: \"pkcs11.pin\"", "pin_env: \"KEYWARD_TEST_WRONG_PIN\"");
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("CKR_PIN_INCORRECT")));
}

TEST_F(KeystorePkcs11Test, MissingTokensAndObjectsAreNamed) {
  Make("missing");
  Rewrite("token_label: \"dev-missing\"", "token_label: \"dev-absent\"");
  // The keys still name dev-missing, which now has no entry.
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("no pkcs11_token entry")));
  Write(dir_ + "/manifest.textproto",
        absl::StrReplaceAll(manifest_, {{"dev-missing", "dev-absent"}}));
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("token \"dev-absent\" "
                                                  "(/usr/lib/softhsm/"
                                                  "libsofthsm2.so) is not "
                                                  "present")));
  Rewrite("\n  pkcs11_uri: \"pkcs11:token=dev-missing;object=rsa-2048\"",
          "\n  pkcs11_uri: \"pkcs11:token=dev-missing;object=rsa-9999\"");
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr("pkcs11:token=dev-missing;"
                                          "object=rsa-9999;type=private: no "
                                          "such object")));
  Rewrite("certificate_pkcs11_uri: \"pkcs11:token=dev-missing;object=ed25519\"",
          "certificate_pkcs11_uri: \"pkcs11:token=dev-missing;object=none\"");
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("object=none;type=cert: no "
                                                  "such object")));
}

TEST_F(KeystorePkcs11Test, KeyMustMatchItsCertificate) {
  Make("match");
  // rsa-2048's entry names rsa-3072's key object.
  Rewrite("\n  pkcs11_uri: \"pkcs11:token=dev-match;object=rsa-2048\"",
          "\n  pkcs11_uri: \"pkcs11:token=dev-match;object=rsa-3072\"");
  EXPECT_THAT(Load(),
              StatusIs(kFailed, HasSubstr("key \"rsa-2048\" version 1: token "
                                          "\"dev-match\"")));
  Rewrite("\n  pkcs11_uri: \"pkcs11:token=dev-match;object=ecdsa-p256\"",
          "\n  pkcs11_uri: \"pkcs11:token=dev-match;object=ed25519\"");
  EXPECT_THAT(Load(), StatusIs(kFailed, HasSubstr("CKA_KEY_TYPE")));
}

}  // namespace
}  // namespace keyward::keystore
