#include "service/network_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

struct Case {
  const char* address;
  bool loopback;
};

class LoopbackTest : public testing::TestWithParam<Case> {};

TEST_P(LoopbackTest, Classifies) {
  absl::StatusOr<ListenAddress> parsed = ParseListenAddress(GetParam().address);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(IsLoopback(*parsed), GetParam().loopback) << GetParam().address;
}

INSTANTIATE_TEST_SUITE_P(
    Addresses, LoopbackTest,
    testing::Values(Case{"127.0.0.1:8443", true}, Case{"127.1.2.3:0", true},
                    Case{"localhost:1", true}, Case{"LOCALHOST:1", true},
                    Case{"[::1]:8443", true}, Case{"unix:/tmp/k.sock", true},
                    Case{"0.0.0.0:8443", false}, Case{"[::]:8443", false},
                    Case{"10.0.0.1:8443", false},
                    Case{"localhost.evil.example:1", false},
                    Case{"128.0.0.1:1", false},
                    Case{"[::ffff:127.0.0.1]:1", false}));

TEST(ParseListenAddressTest, ReadsHostAndPort) {
  absl::StatusOr<ListenAddress> parsed = ParseListenAddress("[::1]:9");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 9);
}

TEST(ParseListenAddressTest, RejectsMalformed) {
  for (const char* bad :
       {"", "127.0.0.1", ":80", "host:", "host:x", "host:65536", "host:-1",
        "::1:80", "[::1]80", "unix:", "ho st:1", "h\nost:1"}) {
    EXPECT_EQ(ParseListenAddress(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace keyward::service
