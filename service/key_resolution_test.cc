#include "service/key_resolution.h"

#include <fstream>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/dev_keystore.h"

namespace keyward::service {
namespace {

constexpr char kEdgeA[] = "spiffe://keyward.dev/edge/a";
constexpr char kEdgeB[] = "spiffe://keyward.dev/edge/b";

// The dev keystore's keys under a manifest written for these tests: every
// edge may sign with ecdsa-p256 (edge/a also raw), only edge/a may use
// rsa-2048, ed25519 is (wrongly) granted the RSA key exchange, and "rot"
// rotates from rsa-3072 (version 1, still usable) to ecdsa-p384.
constexpr char kManifest[] = R"pb(
  key {
    name: "rsa-2048"
    private_key_file: "keys/rsa-2048.key"
    certificate_chain_file: "keys/rsa-2048.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_STRUCTURED, OPERATION_RSA_KEY_EXCHANGE ]
    }
  }
  key {
    name: "ecdsa-p256"
    private_key_file: "keys/ecdsa-p256.key"
    certificate_chain_file: "keys/ecdsa-p256.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/*"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_RAW ]
    }
  }
  key {
    name: "ed25519"
    private_key_file: "keys/ed25519.key"
    certificate_chain_file: "keys/ed25519.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_RAW, OPERATION_RSA_KEY_EXCHANGE ]
    }
  }
  key {
    name: "rot"
    version: 1
    usable_until: "2999-01-01T00:00:00Z"
    private_key_file: "keys/rsa-3072.key"
    certificate_chain_file: "keys/rsa-3072.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
  }
  key {
    name: "rot"
    version: 2
    private_key_file: "keys/ecdsa-p384.key"
    certificate_chain_file: "keys/ecdsa-p384.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
  }
)pb";

class KeyResolutionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> dev =
        testing::MakeDevKeystore("key_resolution");
    ASSERT_TRUE(dev.ok()) << dev.status();
    std::ofstream(dev->dir + "/manifest.textproto") << kManifest;
    absl::StatusOr<std::shared_ptr<const keystore::Keystore>> loaded =
        keystore::Keystore::LoadFromDirectory(dev->dir, absl::Now(), nullptr);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    keystore_ = new std::shared_ptr<const keystore::Keystore>(*loaded);
  }
  static void TearDownTestSuite() { delete keystore_; }

  // Key returns the entry named `name` with `version`.
  static std::shared_ptr<const keystore::KeyEntry> Key(const std::string& name,
                                                       uint32_t version = 1) {
    for (const auto& key : (*keystore_)->keys()) {
      if (key->name == name && key->version == version) return key;
    }
    ADD_FAILURE() << "no key " << name;
    return nullptr;
  }

  static absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> Resolve(
      const v1::KeySelector& selector, const std::string& identity,
      KeyUse use = {}) {
    return ResolveKey(**keystore_, selector, identity, use, absl::Now());
  }

  static v1::KeySelector ById(const std::string& name, uint32_t version = 1) {
    v1::KeySelector selector;
    selector.set_key_id(Key(name, version)->key_id);
    return selector;
  }
  static v1::KeySelector ByName(const std::string& host) {
    v1::KeySelector selector;
    selector.set_server_name(host);
    return selector;
  }

  static std::shared_ptr<const keystore::Keystore>* keystore_;
};

std::shared_ptr<const keystore::Keystore>* KeyResolutionTest::keystore_ =
    nullptr;

const KeyUse kStructuredP256{v1::OPERATION_SIGN_STRUCTURED,
                             v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256};

TEST_F(KeyResolutionTest, FindsKeysByIdAndCertificateHash) {
  for (const char* name : {"rsa-2048", "ecdsa-p256", "ed25519"}) {
    absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> key =
        Resolve(ById(name), kEdgeA);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(*key, Key(name));
    v1::KeySelector by_hash;
    by_hash.set_certificate_sha256(Key(name)->certificate_sha256);
    key = Resolve(by_hash, kEdgeA);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(*key, Key(name));
  }
}

TEST_F(KeyResolutionTest, AbsentAndForbiddenKeysLookTheSame) {
  const absl::Status not_found = absl::NotFoundError(kKeyNotFoundMessage);
  v1::KeySelector unknown_id;
  unknown_id.set_key_id(std::string(64, '0'));
  v1::KeySelector unknown_hash;
  unknown_hash.set_certificate_sha256(std::string(32, '\0'));
  EXPECT_EQ(Resolve(unknown_id, kEdgeA).status(), not_found);
  EXPECT_EQ(Resolve(unknown_hash, kEdgeA).status(), not_found);
  EXPECT_EQ(Resolve(ByName("nowhere.example"), kEdgeA).status(), not_found);
  // edge/b may not use rsa-2048 at all, whatever it asks.
  EXPECT_EQ(Resolve(ById("rsa-2048"), kEdgeB).status(), not_found);
  EXPECT_EQ(Resolve(ById("rsa-2048"), kEdgeB, {v1::OPERATION_RSA_KEY_EXCHANGE})
                .status(),
            not_found);
  EXPECT_EQ(Resolve(ByName("rsa-2048.dev.keyward.test"), kEdgeB).status(),
            not_found);
  EXPECT_EQ(Resolve(ById("ecdsa-p256"), "spiffe://keyward.dev/other").status(),
            not_found);
  EXPECT_EQ(Resolve(ById("ecdsa-p256"), "").status(), not_found);
}

TEST_F(KeyResolutionTest, PolicyAndTypeRefusalsAreFailedPrecondition) {
  // Visible to edge/b, but only for structured signing.
  absl::Status raw = Resolve(ById("ecdsa-p256"), kEdgeB,
                             {v1::OPERATION_SIGN_RAW,
                              v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256})
                         .status();
  EXPECT_EQ(raw, absl::FailedPreconditionError(
                     "the key's policy does not grant OPERATION_SIGN_RAW to "
                     "this caller"));
  EXPECT_TRUE(Resolve(ById("ecdsa-p256"), kEdgeB, kStructuredP256).ok());
  // A scheme of another key type.
  EXPECT_EQ(Resolve(ById("ecdsa-p256"), kEdgeA,
                    {v1::OPERATION_SIGN_STRUCTURED,
                     v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // The legacy scheme, not allowed by this key's policy.
  EXPECT_EQ(Resolve(ById("rsa-2048"), kEdgeA,
                    {v1::OPERATION_SIGN_STRUCTURED,
                     v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // Granted, but Ed25519 cannot do an RSA key exchange.
  EXPECT_EQ(Resolve(ById("ed25519"), kEdgeA, {v1::OPERATION_RSA_KEY_EXCHANGE})
                .status(),
            absl::FailedPreconditionError(
                "OPERATION_RSA_KEY_EXCHANGE needs an RSA key, this key is "
                "KEY_ALGORITHM_ED25519"));
}

TEST_F(KeyResolutionTest, ServerNamePicksTheFirstUsableKey) {
  // Exact names come before wildcards: www.example.test is rsa-2048's.
  absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> key =
      Resolve(ByName("www.example.test"), kEdgeA,
              {v1::OPERATION_SIGN_STRUCTURED,
               v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256});
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, Key("rsa-2048"));
  EXPECT_EQ(Resolve(ByName("www.example.test"), kEdgeA, kStructuredP256)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // A wildcard covers one more label, in any case.
  for (const char* host : {"api.example.test", "API.Example.Test"}) {
    key = Resolve(ByName(host), kEdgeB, kStructuredP256);
    ASSERT_TRUE(key.ok()) << host << ": " << key.status();
    EXPECT_EQ(*key, Key("ecdsa-p256"));
  }
  EXPECT_EQ(Resolve(ByName("a.b.example.test"), kEdgeA).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Resolve(ByName("example.test"), kEdgeA).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(KeyResolutionTest, RotationPreviousKeysOnlyByIdOrHash) {
  const auto previous = Key("rot", 1);
  const auto current = Key("rot", 2);
  ASSERT_EQ(previous->state, v1::KEY_STATE_PREVIOUS);
  ASSERT_EQ(current->state, v1::KEY_STATE_CURRENT);
  absl::StatusOr<std::shared_ptr<const keystore::KeyEntry>> key =
      Resolve(ById("rot", 1), kEdgeA);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, previous);
  // The previous key's host name no longer selects it.
  EXPECT_EQ(Resolve(ByName("rsa-3072.dev.keyward.test"), kEdgeA).status(),
            absl::NotFoundError(kKeyNotFoundMessage));
  key = Resolve(ByName("ecdsa-p384.dev.keyward.test"), kEdgeA);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, current);
  // Past usable_until, the previous key is gone.
  EXPECT_EQ(ResolveKey(**keystore_, ById("rot", 1), kEdgeA, {},
                       absl::FromCivil(absl::CivilSecond(2999, 1, 2),
                                       absl::UTCTimeZone()))
                .status(),
            absl::NotFoundError(kKeyNotFoundMessage));
}

}  // namespace
}  // namespace keyward::service
