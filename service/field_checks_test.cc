#include "service/field_checks.h"

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(FieldChecksTest, NameTheField) {
  EXPECT_EQ(InvalidField("a.b", "why"), absl::InvalidArgumentError("a.b: why"));
  EXPECT_TRUE(CheckLength("f", "abc", 3).ok());
  EXPECT_EQ(CheckLength("f", "abc", 4),
            absl::InvalidArgumentError("f: 3 bytes, want 4"));
  EXPECT_TRUE(CheckMaxLength("f", "abc", 3).ok());
  EXPECT_EQ(CheckMaxLength("f", "abcd", 3),
            absl::InvalidArgumentError("f: 4 bytes, at most 3"));
}

TEST(FieldChecksTest, WithinPrefixesNestedFields) {
  EXPECT_TRUE(WithinField("tls13", absl::OkStatus()).ok());
  EXPECT_EQ(WithinField("tls13", absl::InvalidArgumentError("psk: long")),
            absl::InvalidArgumentError("tls13.psk: long"));
}

TEST(FieldChecksTest, FirstErrorKeepsOrder) {
  EXPECT_TRUE(FirstError({}).ok());
  EXPECT_TRUE(FirstError({absl::OkStatus(), absl::OkStatus()}).ok());
  EXPECT_EQ(FirstError({absl::OkStatus(), absl::InvalidArgumentError("1"),
                        absl::InvalidArgumentError("2")}),
            absl::InvalidArgumentError("1"));
}

}  // namespace
}  // namespace keyward::service
