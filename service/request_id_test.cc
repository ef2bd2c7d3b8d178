#include "service/request_id.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

TEST(RequestIdFromMetadataTest, AbsentIsEmpty) {
  const Metadata metadata = {{"x-other", "1"}};
  absl::StatusOr<std::string> id = RequestIdFromMetadata(metadata);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "");
}

TEST(RequestIdFromMetadataTest, ReturnsTheValue) {
  const Metadata metadata = {{"x-request-id", "edge-7/4711"}};
  absl::StatusOr<std::string> id = RequestIdFromMetadata(metadata);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "edge-7/4711");
}

TEST(RequestIdFromMetadataTest, LongestAllowed) {
  const std::string longest(kMaxRequestIdLength, 'a');
  const Metadata metadata = {{"x-request-id", longest}};
  absl::StatusOr<std::string> id = RequestIdFromMetadata(metadata);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, longest);
}

TEST(RequestIdFromMetadataTest, RefusesBadValues) {
  const std::string too_long(kMaxRequestIdLength + 1, 'a');
  const std::string with_nul("a\0b", 3);
  for (const std::string& bad :
       {too_long, std::string("a b"), std::string("a\nb"), with_nul,
        std::string("\xc3\xa9"), std::string("a\x7f")}) {
    const Metadata metadata = {{"x-request-id", bad}};
    absl::StatusOr<std::string> id = RequestIdFromMetadata(metadata);
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(id.status().message().find("x-request-id"), std::string::npos);
  }
}

TEST(RequestIdFromMetadataTest, RefusesRepeatedKey) {
  const Metadata metadata = {{"x-request-id", "a"}, {"x-request-id", "b"}};
  EXPECT_EQ(RequestIdFromMetadata(metadata).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace keyward::service
