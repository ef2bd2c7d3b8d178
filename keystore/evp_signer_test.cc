#include "keystore/evp_signer.h"

#include <openssl/evp.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"
#include "keystore/testing/verify_signature.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;

std::string Sha(const EVP_MD* md, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(message.data(), message.size(), digest, &length, md,
                       nullptr),
            1);
  return std::string(reinterpret_cast<char*>(digest), length);
}

struct Case {
  const char* key;
  v1::SignatureScheme scheme;
  const EVP_MD* (*md)();
};

// Contexts are reused across signatures, schemes share a key without
// sharing contexts, and signers on several threads at once get signatures
// that an independent verifier accepts, each over its own message.
TEST(EvpSignerTest, ReusedContextsSignCorrectlyFromManyThreads) {
  const std::vector<Case> cases = {
      {"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, EVP_sha256},
      {"rsa-2048", v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA384, EVP_sha384},
      {"p256", v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, EVP_sha256},
      {"p384", v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384, EVP_sha384},
  };
  int verified = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.key, " ", v1::SignatureScheme_Name(c.scheme)));
    absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey(c.key);
    ASSERT_THAT(key, IsOk());
    const EvpSigner signer(key->get());
    constexpr int kThreads = 4;
    constexpr int kPerThread = 12;
    std::vector<std::vector<std::string>> signatures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          absl::StatusOr<std::string> signature = signer.SignDigest(
              c.scheme, Sha(c.md(), absl::StrCat("message ", t, ".", i)));
          signatures[t].push_back(signature.ok() ? *signature : "");
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    // PSS and ECDSA are randomised, PKCS#1 v1.5 is not: every message
    // differs, so every signature must too.
    std::set<std::string> distinct;
    for (int t = 0; t < kThreads; ++t) {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string message = absl::StrCat("message ", t, ".", i);
        ASSERT_FALSE(signatures[t][i].empty()) << message;
        EXPECT_TRUE(testing::VerifySignature(key->get(), c.scheme, message,
                                             signatures[t][i]))
            << message;
        distinct.insert(signatures[t][i]);
        ++verified;
      }
    }
    EXPECT_EQ(distinct.size(), size_t{kThreads * kPerThread});
  }
  EXPECT_EQ(verified, 4 * 4 * 12);
}

// A failing signature (a digest of the wrong length reaches OpenSSL here,
// below the keystore's own checks) drops its context; the signer goes on.
TEST(EvpSignerTest, RecoversAfterAFailedSignature) {
  absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("rsa-2048");
  ASSERT_THAT(key, IsOk());
  const EvpSigner signer(key->get());
  EXPECT_FALSE(
      signer.SignDigest(v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, "short").ok());
  const std::string message = "after the failure";
  absl::StatusOr<std::string> signature = signer.SignDigest(
      v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, Sha(EVP_sha256(), message));
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(testing::VerifySignature(
      key->get(), v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256, message, *signature));
}

}  // namespace
}  // namespace keyward::keystore
