#ifndef KEYWARD_TESTS_FUZZ_INVARIANT_H_
#define KEYWARD_TESTS_FUZZ_INVARIANT_H_

#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

// Invariants the service fuzzers assert on every input. A violated one
// traps, which libFuzzer reports as a crash and saves the input of; in a
// corpus replay it fails the test.

// KEYWARD_FUZZ_REQUIRE traps, after naming the failed condition (never
// data: inputs and outputs may hold secrets), when `condition` is false.
#define KEYWARD_FUZZ_REQUIRE(condition)                                 \
  do {                                                                  \
    if (!(condition)) {                                                 \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, \
                   __LINE__, #condition);                               \
      __builtin_trap();                                                 \
    }                                                                   \
  } while (false)

namespace keyward::fuzz {

// IsPrintable reports whether `message` holds no ASCII control character: an
// error message never echoes raw request bytes.
inline bool IsPrintable(absl::string_view message) {
  for (char c : message) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

// RequireDocumentedStatus: OK, or one of the codes keyward/v1/
// key_service.proto documents that an operation can give when no deadline,
// limit or transport is involved (INVALID_ARGUMENT, NOT_FOUND,
// FAILED_PRECONDITION), with a non-empty printable message.
inline void RequireDocumentedStatus(const absl::Status& status) {
  if (status.ok()) return;
  KEYWARD_FUZZ_REQUIRE(status.code() == absl::StatusCode::kInvalidArgument ||
                       status.code() == absl::StatusCode::kNotFound ||
                       status.code() == absl::StatusCode::kFailedPrecondition);
  KEYWARD_FUZZ_REQUIRE(!status.message().empty());
  KEYWARD_FUZZ_REQUIRE(IsPrintable(status.message()));
}

// NamesField reports whether `message` starts with one of `fields` followed
// by '.' (a nested field) or ':' (the reason).
inline bool NamesField(absl::string_view message,
                       absl::Span<const absl::string_view> fields) {
  for (absl::string_view field : fields) {
    if (message.size() > field.size() &&
        message.substr(0, field.size()) == field &&
        (message[field.size()] == '.' || message[field.size()] == ':')) {
      return true;
    }
  }
  return false;
}

// RequireInvalidField: InvalidArgument whose message names one of `fields`.
inline void RequireInvalidField(const absl::Status& status,
                                absl::Span<const absl::string_view> fields) {
  KEYWARD_FUZZ_REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
  KEYWARD_FUZZ_REQUIRE(NamesField(status.message(), fields));
  KEYWARD_FUZZ_REQUIRE(IsPrintable(status.message()));
}

}  // namespace keyward::fuzz

#endif  // KEYWARD_TESTS_FUZZ_INVARIANT_H_
