#include "service/server_name.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ServerNameTest, LowercasesValidNames) {
  const std::pair<std::string, std::string> kValid[] = {
      {"www.example.test", "www.example.test"},
      {"WWW.Example.TEST", "www.example.test"},
      {"localhost", "localhost"},
      {"xn--bcher-kva.example", "xn--bcher-kva.example"},
      {"a-1.b-2.c", "a-1.b-2.c"},
      {std::string(63, 'a') + ".test", std::string(63, 'a') + ".test"},
  };
  for (const auto& [name, want] : kValid) {
    absl::StatusOr<std::string> got = NormalizeServerName(name, "server_name");
    ASSERT_TRUE(got.ok()) << name << ": " << got.status();
    EXPECT_EQ(*got, want);
  }
}

TEST(ServerNameTest, AcceptsTheLongestName) {
  // Four labels of 63 characters and three dots: 255, too long; trim to 253.
  std::string name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                     std::string(63, 'c') + "." + std::string(61, 'd');
  ASSERT_EQ(name.size(), kMaxServerNameLength);
  EXPECT_TRUE(NormalizeServerName(name, "f").ok());
  EXPECT_FALSE(NormalizeServerName(name + "d", "f").ok());
}

TEST(ServerNameTest, RefusesMalformedNamesWithoutEchoingThem) {
  const std::string kBad[] = {
      "",
      "*.example.test",
      "www.example.test.",
      ".example.test",
      "www..example.test",
      "www.example.test\n",
      std::string("www\0evil.test", 13),
      "www.exa\tmple.test",
      "www.exam ple.test",
      "www_1.example.test",
      "www.\xc3\xa9xample.test",
      "w*w.example.test",
      "*",
      "www.example.test:443",
      std::string(64, 'a') + ".test",
      std::string(254, 'a'),
  };
  for (const std::string& bad : kBad) {
    absl::StatusOr<std::string> got =
        NormalizeServerName(bad, "key.server_name");
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(got.status().message()),
                AllOf(HasSubstr("key.server_name"), Not(HasSubstr("example"))))
        << bad;
  }
}

}  // namespace
}  // namespace keyward::service
