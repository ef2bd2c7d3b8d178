#ifndef KEYWARD_HANDSHAKE_TESTING_STATUS_MATCHERS_H_
#define KEYWARD_HANDSHAKE_TESTING_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace keyward::handshake::test {

// GetStatus lets StatusIs accept both absl::Status and absl::StatusOr<T>.
inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// StatusIs(code, message_matcher) matches a Status or StatusOr whose code is
// `code` and whose message matches `message_matcher`, e.g.
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
//                                HasSubstr("client_random")));
MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

// IsOk() matches an OK Status or StatusOr.
MATCHER(IsOk, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.ok();
}

}  // namespace keyward::handshake::test

#endif  // KEYWARD_HANDSHAKE_TESTING_STATUS_MATCHERS_H_
