#include "keystore/keystore_holder.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"
#include "tests/support/dev_keystore.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(KeystoreHolderTest, CreateFailsWithTheFirstLoadsError) {
  EXPECT_THAT(KeystoreHolder::Create([] {
                return absl::StatusOr<std::shared_ptr<const Keystore>>(
                    absl::FailedPreconditionError("broken manifest"));
              }),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("broken manifest")));
  EXPECT_THAT(
      KeystoreHolder::Create(nullptr),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("loader")));
  EXPECT_THAT(KeystoreHolder::Create([] {
                return absl::StatusOr<std::shared_ptr<const Keystore>>(nullptr);
              }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no snapshot")));
}

// A keystore directory with one key, whose manifest the tests rewrite.
class KeystoreHolderReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = testing::FreshDirectory("holder_reload");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    for (const char* stem : {"a", "b"}) {
      absl::StatusOr<EvpPkeyPtr> key = testing::GenerateKey("p256");
      ASSERT_THAT(key, IsOk());
      absl::StatusOr<X509Ptr> certificate =
          testing::SelfSignedCertificate(key->get(), {});
      ASSERT_THAT(certificate, IsOk());
      ASSERT_THAT(testing::WriteKeyAndCertificate(dir_, stem, key->get(),
                                                  certificate->get()),
                  IsOk());
    }
    WriteManifest(testing::ManifestKey("a", 1, "a"));
  }

  void WriteManifest(const std::string& text) {
    ASSERT_THAT(testing::WriteFile(dir_ + "/manifest.textproto", text, 0644),
                IsOk());
  }

  KeystoreHolder::Loader Loader() const {
    return [dir = dir_] {
      return Keystore::LoadFromDirectory(dir, absl::Now(), nullptr);
    };
  }

  std::string dir_;
};

TEST_F(KeystoreHolderReloadTest, BrokenReloadKeepsServingAndGoodOneSwaps) {
  absl::StatusOr<std::unique_ptr<KeystoreHolder>> holder =
      KeystoreHolder::Create(Loader());
  ASSERT_THAT(holder, IsOk());
  EXPECT_EQ((*holder)->generation(), 1u);
  const std::shared_ptr<const Keystore> first = (*holder)->Current();
  ASSERT_NE(first, nullptr);
  ASSERT_THAT(first->keys(), SizeIs(1));

  WriteManifest("key { name: \"a\" private_key_file: \"keys/a.key\" ");
  EXPECT_THAT((*holder)->Reload(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("manifest.textproto:1:")));
  EXPECT_EQ((*holder)->Current(), first);
  EXPECT_EQ((*holder)->generation(), 1u);

  WriteManifest(testing::ManifestKey("a", 1, "a") +
                testing::ManifestKey("b", 1, "b"));
  absl::StatusOr<std::shared_ptr<const Keystore>> second = (*holder)->Reload();
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ((*holder)->Current(), *second);
  EXPECT_NE(*second, first);
  EXPECT_THAT((*second)->keys(), SizeIs(2));
  EXPECT_EQ((*holder)->generation(), 2u);
  // The snapshot taken before the reload still works.
  ASSERT_THAT(first->keys(), SizeIs(1));
  EXPECT_THAT(first->keys()[0]->private_key->SignMessage(
                  v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256, "in flight"),
              IsOk());
  EXPECT_EQ(first->FindByKeyId(first->keys()[0]->key_id, absl::Now()),
            first->keys()[0]);
}

// Readers sign through whatever snapshot is current while another thread
// reloads the real dev keystore; clean under --config=tsan.
TEST(KeystoreHolderConcurrencyTest, ReadersSignWhileReloading) {
  absl::StatusOr<keyward::testing::DevKeystore> dev =
      keyward::testing::MakeDevKeystore("holder_concurrency");
  ASSERT_THAT(dev, IsOk());
  // Each load is stamped one second later than the last, so readers can
  // check that snapshots only move forward.
  auto loads = std::make_shared<std::atomic<int>>(0);
  const absl::Time base = absl::Now();
  absl::StatusOr<std::unique_ptr<KeystoreHolder>> holder =
      KeystoreHolder::Create([dir = dev->dir, loads, base] {
        return Keystore::LoadFromDirectory(
            dir, base + absl::Seconds(loads->fetch_add(1)), nullptr);
      });
  ASSERT_THAT(holder, IsOk());

  constexpr int kReaders = 4;
  constexpr int kReloads = 8;
  constexpr int kMinSignaturesPerReader = 20;
  std::atomic<bool> reloads_done{false};
  std::atomic<int> failures{0};
  std::vector<int> signatures(kReaders, 0);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      absl::Time last_loaded = absl::InfinitePast();
      while (!reloads_done.load() || signatures[r] < kMinSignaturesPerReader) {
        const std::shared_ptr<const Keystore> snapshot = (*holder)->Current();
        if (snapshot->loaded_at() < last_loaded) ++failures;
        last_loaded = snapshot->loaded_at();
        const auto entries = snapshot->FindByServerName(
            r % 2 == 0 ? "ecdsa-p256.dev.keyward.test" : "www.example.test");
        if (entries.size() != 1) {
          ++failures;
          continue;
        }
        const v1::SignatureScheme scheme =
            r % 2 == 0 ? v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256
                       : v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256;
        if (!entries[0]->private_key->SignMessage(scheme, "concurrent").ok()) {
          ++failures;
        }
        ++signatures[r];
      }
    });
  }
  for (int i = 0; i < kReloads; ++i) {
    EXPECT_THAT((*holder)->Reload(), IsOk());
  }
  reloads_done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ((*holder)->generation(), 1u + kReloads);
  EXPECT_EQ(loads->load(), 1 + kReloads);
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_GE(signatures[r], kMinSignaturesPerReader) << "reader " << r;
  }
}

}  // namespace
}  // namespace keyward::keystore
