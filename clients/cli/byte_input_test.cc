#include "clients/cli/byte_input.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace keyward::cli {
namespace {

TEST(ParseBytesTest, ReadsHexBase64AndFiles) {
  EXPECT_EQ(*ParseBytes("x", "00ff10"), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(*ParseBytes("x", "hex:ABcd"), "\xab\xcd");
  EXPECT_EQ(*ParseBytes("x", "base64:AP8Q"), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(*ParseBytes("x", "base64:_-8"), "\xff\xef");
  std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/in.bin";
  std::ofstream(path, std::ios::binary) << std::string("a\0b", 3);
  EXPECT_EQ(*ParseBytes("x", "@" + path), std::string("a\0b", 3));
}

TEST(ParseBytesTest, NamesTheFlagOnErrors) {
  absl::StatusOr<std::string> odd = ParseBytes("digest", "abc");
  EXPECT_EQ(odd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(odd.status().message().find("--digest"), std::string::npos);
  EXPECT_EQ(ParseBytes("x", "zz").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBytes("x", "base64:!!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBytes("x", "@/nonexistent/file").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FormatBytesTest, RoundTrips) {
  std::string bytes("\x00\x01\xfe", 3);
  EXPECT_EQ(FormatBytes(bytes, OutputFormat::kHex), "0001fe");
  EXPECT_EQ(
      *ParseBytes("x", "base64:" + FormatBytes(bytes, OutputFormat::kBase64)),
      bytes);
  EXPECT_EQ(FormatBytes(bytes, OutputFormat::kRaw), bytes);
  EXPECT_FALSE(ParseOutputFormat("pem").ok());
}

}  // namespace
}  // namespace keyward::cli
