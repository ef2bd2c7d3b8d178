#include "keystore/passphrase.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/testing/test_keys.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kFailed = absl::StatusCode::kFailedPrecondition;

std::string Text(const handshake::SecretBytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST(PassphraseTest, FileGivesItsFirstLine) {
  absl::StatusOr<std::string> dir = testing::FreshDirectory("passphrase");
  ASSERT_THAT(dir, IsOk());
  struct Case {
    const char* contents;
    const char* passphrase;
  };
  for (const Case& c : {Case{"open sesame", "open sesame"},
                        Case{"open sesame\n", "open sesame"},
                        Case{"open sesame\r\nsecond line\n", "open sesame"},
                        Case{" spaces kept \n", " spaces kept "}}) {
    ASSERT_THAT(testing::WriteFile(*dir + "/p", c.contents, 0600), IsOk());
    absl::StatusOr<handshake::SecretBytes> read =
        ReadPassphraseFile(*dir + "/p");
    ASSERT_THAT(read, IsOk());
    EXPECT_EQ(Text(*read), c.passphrase);
  }
}

TEST(PassphraseTest, FileErrors) {
  absl::StatusOr<std::string> dir = testing::FreshDirectory("passphrase_bad");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(testing::WriteFile(*dir + "/empty", "\nsecond\n", 0600), IsOk());
  EXPECT_THAT(ReadPassphraseFile(*dir + "/empty"),
              StatusIs(kFailed, HasSubstr("/empty: the passphrase (first "
                                          "line) is empty")));
  ASSERT_THAT(testing::WriteFile(*dir + "/open", "pw\n", 0644), IsOk());
  EXPECT_THAT(ReadPassphraseFile(*dir + "/open"),
              StatusIs(kFailed, HasSubstr("/open: permissions 0644")));
  EXPECT_THAT(ReadPassphraseFile(*dir + "/absent"),
              StatusIs(kFailed, HasSubstr("/absent: cannot open")));
}

TEST(PassphraseTest, Environment) {
  ASSERT_EQ(setenv("KEYWARD_TEST_PASSPHRASE", "from env", 1), 0);
  absl::StatusOr<handshake::SecretBytes> read =
      ReadPassphraseEnv("KEYWARD_TEST_PASSPHRASE");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(Text(*read), "from env");
  ASSERT_EQ(setenv("KEYWARD_TEST_PASSPHRASE", "", 1), 0);
  EXPECT_THAT(ReadPassphraseEnv("KEYWARD_TEST_PASSPHRASE"),
              StatusIs(kFailed, HasSubstr("environment variable "
                                          "KEYWARD_TEST_PASSPHRASE "
                                          "(passphrase_env) is not set")));
  ASSERT_EQ(unsetenv("KEYWARD_TEST_PASSPHRASE"), 0);
  EXPECT_THAT(ReadPassphraseEnv("KEYWARD_TEST_PASSPHRASE"),
              StatusIs(kFailed, HasSubstr("KEYWARD_TEST_PASSPHRASE")));
}

}  // namespace
}  // namespace keyward::keystore
