// Known-answer tests for OpenSslPrivateKey signing: Wycheproof RSASSA-PKCS1
// v1.5 signature generation (deterministic, so byte-exact) and the Ed25519
// sign.input vectors (tcId 1-3 are RFC 8032 §7.1 TEST 1-3), read from the
// external vectors folder at test time.
#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "keystore/openssl_private_key.h"
#include "keystore/openssl_ptr.h"
#include "keystore/private_key_pem.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::keystore {
namespace {

using ::keyward::vectors::HexField;
using ::keyward::vectors::MatchesHex;
using ::keyward::vectors::VectorTally;
using ::nlohmann::json;

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                             text.size());
}

std::string Text(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// The PKCS#1 v1.5 schemes TLS offers, by Wycheproof hash name.
const std::map<std::string, v1::SignatureScheme>& Pkcs1Schemes() {
  static const auto* schemes = new std::map<std::string, v1::SignatureScheme>{
      {"SHA-256", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256},
      {"SHA-384", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384},
      {"SHA-512", v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512},
  };
  return *schemes;
}

::testing::AssertionResult CheckSigGenCase(const PrivateKey& key,
                                           v1::SignatureScheme scheme,
                                           const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto message, HexField(test_case, "msg"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto signature,
                                   key.SignMessage(scheme, Text(message)));
  return MatchesHex("signature", Bytes(signature),
                    test_case.at("sig").get<std::string>());
}

class RsaSigGenVectorsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RsaSigGenVectorsTest, SignaturesAreByteExact) {
  const std::string file = absl::StrCat("wycheproof/testvectors_v1/rsa_pkcs1_",
                                        GetParam(), "_sig_gen_test.json");
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, file);
  VectorTally tally(file);
  for (const json& group : vectors.at("testGroups")) {
    const std::string hash = group.at("sha").get<std::string>();
    auto scheme = Pkcs1Schemes().find(hash);
    if (scheme == Pkcs1Schemes().end()) {
      ASSERT_TRUE(hash == "SHA-1" || hash == "SHA-224") << hash;
      for (size_t i = 0; i < group.at("tests").size(); ++i) {
        tally.Skip("SHA-1/SHA-224: no such TLS 1.2/1.3 signature scheme");
      }
      continue;
    }
    const std::string pem = group.at("privateKeyPem").get<std::string>();
    absl::StatusOr<EvpPkeyPtr> decoded =
        ParsePrivateKeyPem(Bytes(pem), nullptr, "privateKeyPem");
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    absl::StatusOr<std::unique_ptr<OpenSslPrivateKey>> key =
        OpenSslPrivateKey::Create(*std::move(decoded));
    ASSERT_TRUE(key.ok()) << key.status();
    for (const json& test_case : group.at("tests")) {
      const std::string result = test_case.at("result").get<std::string>();
      ASSERT_TRUE(result == "valid" || result == "acceptable") << result;
      tally.Record(absl::StrCat("tcId ", test_case.at("tcId").get<int>()),
                   CheckSigGenCase(**key, scheme->second, test_case));
    }
  }
  tally.Finish();
}

INSTANTIATE_TEST_SUITE_P(Sizes, RsaSigGenVectorsTest,
                         ::testing::Values("2048", "3072", "4096"));

::testing::AssertionResult CheckEd25519Case(const json& test_case) {
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto seed, HexField(test_case, "seed"));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto message,
                                   HexField(test_case, "message"));
  EvpPkeyPtr raw(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                              seed.data(), seed.size()));
  if (raw == nullptr) {
    return ::testing::AssertionFailure() << "EVP_PKEY_new_raw_private_key";
  }
  uint8_t public_key[32];
  size_t public_length = sizeof(public_key);
  if (EVP_PKEY_get_raw_public_key(raw.get(), public_key, &public_length) != 1) {
    return ::testing::AssertionFailure() << "EVP_PKEY_get_raw_public_key";
  }
  if (auto result = MatchesHex("publicKey", public_key,
                               test_case.at("publicKey").get<std::string>());
      !result) {
    return result;
  }
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(auto key,
                                   OpenSslPrivateKey::Create(std::move(raw)));
  KEYWARD_ASSIGN_OR_RETURN_FAILURE(
      auto signature,
      key->SignMessage(v1::SIGNATURE_SCHEME_ED25519, Text(message)));
  return MatchesHex("signature", Bytes(signature),
                    test_case.at("signature").get<std::string>());
}

TEST(Ed25519VectorsTest, SignaturesAreByteExact) {
  constexpr char kFile[] = "boringssl-testdata/ed25519_sign_input.json";
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, kFile);
  VectorTally tally(kFile);
  bool saw_rfc8032[4] = {};
  for (const json& test_case : vectors.at("tests")) {
    const int id = test_case.at("tcId").get<int>();
    if (id >= 1 && id <= 3) saw_rfc8032[id] = true;
    tally.Record(absl::StrCat("tcId ", id), CheckEd25519Case(test_case));
  }
  tally.Finish();
  EXPECT_TRUE(saw_rfc8032[1] && saw_rfc8032[2] && saw_rfc8032[3])
      << "RFC 8032 §7.1 TEST 1-3 (tcId 1-3) missing from " << kFile;
  EXPECT_EQ(tally.passed(), 514);
}

}  // namespace
}  // namespace keyward::keystore
