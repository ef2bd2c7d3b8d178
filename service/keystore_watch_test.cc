#include "service/keystore_watch.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

// A keystore of two keys, "www" with a passphrase file and "plain"
// without.
constexpr char kManifest[] = R"pb(
  key {
    name: "www"
    private_key_file: "www.key"
    certificate_chain_file: "www.crt"
    passphrase_file: "www.pass"
  }
  key {
    name: "plain"
    private_key_file: "plain.key"
    certificate_chain_file: "plain.crt"
  }
)pb";

void Write(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

// WriteByRename replaces `path` with a new file, as editors and
// `kubectl cp` do: a new inode, possibly of the same size and contents.
void WriteByRename(const std::string& path, const std::string& contents) {
  Write(path + ".tmp", contents);
  ASSERT_EQ(rename((path + ".tmp").c_str(), path.c_str()), 0) << path;
}

// NewDirectory makes an empty folder under $TEST_TMPDIR.
std::string NewDirectory() {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string dir =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/keystore-watch-XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

// WriteKeystore writes the manifest and the files it names into `dir`.
void WriteKeystore(const std::string& dir) {
  Write(dir + "/manifest.textproto", kManifest);
  Write(dir + "/www.key", "key 1");
  Write(dir + "/www.crt", "chain 1");
  Write(dir + "/www.pass", "passphrase 1");
  Write(dir + "/plain.key", "plain key");
  Write(dir + "/plain.crt", "plain chain");
}

TEST(KeystoreWatchTest, NoChangeIsNoChange) {
  const std::string dir = NewDirectory();
  WriteKeystore(dir);
  KeystoreWatch watch(dir);
  EXPECT_FALSE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  // Files the manifest does not name are not the keystore's (nor is the
  // directory, whose times these change).
  Write(dir + "/README", "not part of the keystore");
  WriteByRename(dir + "/other.key", "not named");
  EXPECT_FALSE(watch.CheckOnce());
  // Reading the files changes nothing.
  std::ifstream(dir + "/www.key").get();
  EXPECT_FALSE(watch.CheckOnce());
}

TEST(KeystoreWatchTest, EachNamedFileIsWatchedAndEachChangeReportedOnce) {
  const std::string dir = NewDirectory();
  WriteKeystore(dir);
  KeystoreWatch watch(dir);
  // Same size, same contents, new inode: a replaced file.
  for (const char* name : {"manifest.textproto", "www.crt", "www.pass"}) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    const std::string contents((std::istreambuf_iterator<char>(in)), {});
    WriteByRename(dir + "/" + name, contents);
    EXPECT_TRUE(watch.CheckOnce()) << name;
    EXPECT_FALSE(watch.CheckOnce()) << name;
  }
  // Rewritten in place with another size.
  Write(dir + "/www.key", "key 2, longer");
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  // Permissions (the keystore refuses keys that others may read).
  ASSERT_EQ(chmod((dir + "/www.key").c_str(), 0644), 0);
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  // Removed, then back.
  ASSERT_EQ(unlink((dir + "/www.key").c_str()), 0);
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  Write(dir + "/www.key", "key 3");
  EXPECT_TRUE(watch.CheckOnce());
}

// A key on a PKCS #11 token: its token's PIN file and its certificate
// chain file are part of the keystore; the token itself is not a file.
TEST(KeystoreWatchTest, TokenPinFileIsWatched) {
  const std::string dir = NewDirectory();
  Write(dir + "/manifest.textproto", R"pb(
    pkcs11_token {
      token_label: "hsm"
      module_path: "/usr/lib/softhsm/libsofthsm2.so"
      pin_file: "hsm.pin"
    }
    key {
      name: "api"
      pkcs11_uri: "pkcs11:token=hsm;object=api"
      certificate_chain_file: "api.crt"
    }
  )pb");
  Write(dir + "/hsm.pin", "1234");
  Write(dir + "/api.crt", "chain");
  KeystoreWatch watch(dir);
  EXPECT_FALSE(watch.CheckOnce());
  Write(dir + "/hsm.pin", "12345");
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  Write(dir + "/api.crt", "a longer chain");
  EXPECT_TRUE(watch.CheckOnce());
}

TEST(KeystoreWatchTest, ManifestNamingNewFilesAndBrokenManifests) {
  const std::string dir = NewDirectory();
  WriteKeystore(dir);
  KeystoreWatch watch(dir);
  // A second key whose files do not exist yet.
  WriteByRename(dir + "/manifest.textproto",
                std::string(kManifest) +
                    R"pb(key {
                           name: "api"
                           private_key_file: "api.key"
                           certificate_chain_file: "api.crt"
                         })pb");
  EXPECT_TRUE(watch.CheckOnce());
  // The new files appear: the watch follows the new manifest.
  WriteByRename(dir + "/api.key", "api key");
  EXPECT_TRUE(watch.CheckOnce());
  WriteByRename(dir + "/api.crt", "api chain");
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  // A manifest that does not parse is a change (the reload reports it);
  // fixing it again is one more.
  WriteByRename(dir + "/manifest.textproto", "key { name: ");
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  WriteByRename(dir + "/manifest.textproto", kManifest);
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
}

// A Kubernetes Secret volume: the visible names are symlinks through
// "..data", itself a symlink to a timestamped folder; an update writes a
// new folder and renames a new "..data" over the old one.
TEST(KeystoreWatchTest, KubernetesDataSymlinkSwapIsAChange) {
  const std::string dir = NewDirectory();
  const std::string first_name = "..2026_11_27_10_00_00.1";
  const std::string second_name = "..2026_11_27_11_00_00.2";
  const std::string first = dir + "/" + first_name;
  const std::string second = dir + "/" + second_name;
  ASSERT_EQ(mkdir(first.c_str(), 0700), 0);
  WriteKeystore(first);
  ASSERT_EQ(symlink(first_name.c_str(), (dir + "/..data").c_str()), 0);
  for (const char* name : {"manifest.textproto", "www.key", "www.crt",
                           "www.pass", "plain.key", "plain.crt"}) {
    ASSERT_EQ(symlink((std::string("..data/") + name).c_str(),
                      (dir + "/" + name).c_str()),
              0);
  }
  KeystoreWatch watch(dir);
  EXPECT_FALSE(watch.CheckOnce());

  // The same files again (same sizes, same contents) in a new folder.
  ASSERT_EQ(mkdir(second.c_str(), 0700), 0);
  WriteKeystore(second);
  EXPECT_FALSE(watch.CheckOnce()) << "nothing visible changed yet";
  ASSERT_EQ(symlink(second_name.c_str(), (dir + "/..data_tmp").c_str()), 0);
  ASSERT_EQ(rename((dir + "/..data_tmp").c_str(), (dir + "/..data").c_str()),
            0);
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_FALSE(watch.CheckOnce());
  // The old folder goes away: nothing the keystore uses.
  for (const char* name : {"manifest.textproto", "www.key", "www.crt",
                           "www.pass", "plain.key", "plain.crt"}) {
    ASSERT_EQ(unlink((first + "/" + name).c_str()), 0);
  }
  ASSERT_EQ(rmdir(first.c_str()), 0);
  EXPECT_FALSE(watch.CheckOnce());
}

TEST(KeystoreWatchTest, ThreadCallsOnChangeAfterAChange) {
  const std::string dir = NewDirectory();
  WriteKeystore(dir);
  KeystoreWatch watch(dir);
  std::atomic<int> changes{0};
  absl::Notification changed;
  watch.Start(absl::Milliseconds(5), [&] {
    if (changes.fetch_add(1) == 0) changed.Notify();
  });
  WriteByRename(dir + "/www.crt", "chain 2");
  EXPECT_TRUE(changed.WaitForNotificationWithTimeout(absl::Seconds(30)));
  watch.Stop();
  EXPECT_EQ(changes.load(), 1);
  // Stopped: a later change is not reported by the thread.
  WriteByRename(dir + "/www.crt", "chain 3");
  EXPECT_TRUE(watch.CheckOnce());
  EXPECT_EQ(changes.load(), 1);
}

}  // namespace
}  // namespace keyward::service
