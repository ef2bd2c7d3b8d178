#include "keystore/file_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

class FileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = testing::FreshDirectory("file_reader");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
  }
  std::string dir_;
};

TEST_F(FileReaderTest, ReadsPublicAndSecretFiles) {
  ASSERT_THAT(testing::WriteFile(dir_ + "/a", "hello\n", 0644), IsOk());
  ASSERT_THAT(testing::WriteFile(dir_ + "/b", "secret", 0600), IsOk());
  absl::StatusOr<std::string> a = ReadPublicFile(dir_ + "/a");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(*a, "hello\n");
  absl::StatusOr<handshake::SecretBytes> b = ReadSecretFile(dir_ + "/b");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(std::string(b->begin(), b->end()), "secret");
  // Owner-only modes other than 0600 are fine too.
  ASSERT_THAT(testing::WriteFile(dir_ + "/c", "x", 0400), IsOk());
  EXPECT_THAT(ReadSecretFile(dir_ + "/c"), IsOk());
}

TEST_F(FileReaderTest, ReadsAFileLargerThanOneChunk) {
  const std::string big(10000, 'k');
  ASSERT_THAT(testing::WriteFile(dir_ + "/big", big, 0600), IsOk());
  absl::StatusOr<handshake::SecretBytes> read = ReadSecretFile(dir_ + "/big");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(std::string(read->begin(), read->end()), big);
}

// Owner for files whose group may read them: anyone but root (CI runs as
// root, whose files get the Kubernetes exception tested below).
constexpr uid_t kNotRoot = 65534;

TEST_F(FileReaderTest, SecretFilesMustNotBeAccessibleByOthers) {
  for (mode_t mode : {0644, 0640, 0604, 0660, 0601, 0610, 0440}) {
    SCOPED_TRACE(mode);
    ASSERT_THAT(testing::WriteFile(dir_ + "/k", "secret", mode), IsOk());
    if (geteuid() == 0) {
      ASSERT_EQ(chown((dir_ + "/k").c_str(), kNotRoot, kNotRoot), 0);
    }
    EXPECT_THAT(ReadSecretFile(dir_ + "/k"),
                StatusIs(kFailed, AllOf(HasSubstr(dir_ + "/k: permissions 0"),
                                        HasSubstr("are too open"),
                                        HasSubstr("chmod 600"))));
    // The same file is fine as a public one.
    EXPECT_THAT(ReadPublicFile(dir_ + "/k"), IsOk());
  }
}

// A Secret mounted for a non-root pod: root-owned, readable by the pod's
// fsGroup. Group read is accepted from root; group write or execute, and
// anything for others, is not.
TEST_F(FileReaderTest, RootOwnedSecretMayBeReadableByItsGroup) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "needs root to create a root-owned file (CI runs as root)";
  }
  for (mode_t mode : {0440, 0640}) {
    SCOPED_TRACE(mode);
    ASSERT_THAT(testing::WriteFile(dir_ + "/s", "secret", mode), IsOk());
    ASSERT_EQ(chown((dir_ + "/s").c_str(), 0, kNotRoot), 0);
    absl::StatusOr<handshake::SecretBytes> read = ReadSecretFile(dir_ + "/s");
    ASSERT_THAT(read, IsOk());
    EXPECT_EQ(std::string(read->begin(), read->end()), "secret");
  }
  for (mode_t mode : {0460, 0450, 0444, 0404, 0641}) {
    SCOPED_TRACE(mode);
    ASSERT_THAT(testing::WriteFile(dir_ + "/s", "secret", mode), IsOk());
    ASSERT_EQ(chown((dir_ + "/s").c_str(), 0, kNotRoot), 0);
    EXPECT_THAT(ReadSecretFile(dir_ + "/s"),
                StatusIs(kFailed, HasSubstr("are too open")));
  }
}

TEST_F(FileReaderTest, MissingFileIsNamed) {
  EXPECT_THAT(ReadPublicFile(dir_ + "/absent"),
              StatusIs(kFailed, HasSubstr(dir_ + "/absent: cannot open: No "
                                                 "such file or directory")));
  EXPECT_THAT(ReadSecretFile(dir_ + "/absent"),
              StatusIs(kFailed, HasSubstr(dir_ + "/absent: cannot open")));
}

TEST_F(FileReaderTest, DirectoriesAndHugeFilesAreRefused) {
  EXPECT_THAT(ReadPublicFile(dir_),
              StatusIs(kFailed, HasSubstr(dir_ + ": not a regular file")));
  ASSERT_THAT(testing::WriteFile(dir_ + "/huge",
                                 std::string(kMaxKeystoreFileSize + 1, 'x')),
              IsOk());
  EXPECT_THAT(ReadSecretFile(dir_ + "/huge"),
              StatusIs(kFailed, HasSubstr("/huge: larger than 1048576 bytes")));
}

}  // namespace
}  // namespace keyward::keystore
