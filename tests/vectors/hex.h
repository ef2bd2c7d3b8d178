#ifndef KEYWARD_TESTS_VECTORS_HEX_H_
#define KEYWARD_TESTS_VECTORS_HEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"

namespace keyward::vectors {

// HexToBytes decodes `hex`, which must have an even number of characters, all
// of them hex digits (either case; no prefix, spaces or separators). Returns
// InvalidArgument naming the length or the first bad offset otherwise.
// (absl::HexStringToBytes in Abseil 20220623 does not validate its input.)
absl::StatusOr<std::vector<uint8_t>> HexToBytes(absl::string_view hex);

// BytesToHex returns `bytes` as lowercase hex.
std::string BytesToHex(absl::Span<const uint8_t> bytes);

// MatchesHex succeeds when `actual` equals the bytes that `expected_hex`
// encodes. On a mismatch, or when `expected_hex` is not valid hex, the failure
// message names `what` and shows both values in hex.
::testing::AssertionResult MatchesHex(absl::string_view what,
                                      absl::Span<const uint8_t> actual,
                                      absl::string_view expected_hex);

}  // namespace keyward::vectors

#endif  // KEYWARD_TESTS_VECTORS_HEX_H_
