#ifndef KEYWARD_SERVICE_FIELD_CHECKS_H_
#define KEYWARD_SERVICE_FIELD_CHECKS_H_

#include <cstddef>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Small building blocks of request validation. Every error is
// InvalidArgument with a message "<field path>: <why>".
namespace keyward::service {

// InvalidField returns InvalidArgument "`field`: `why`".
absl::Status InvalidField(absl::string_view field, absl::string_view why);

// WithinField prefixes the field path of a nested message's error with
// `prefix` and a dot ("tls13" + "cipher_suite: ..."); OK stays OK. The
// result is InvalidArgument whatever the code of `status` was.
absl::Status WithinField(absl::string_view prefix, const absl::Status& status);

// CheckLength: `value` is exactly `want` bytes.
absl::Status CheckLength(absl::string_view field, absl::string_view value,
                         size_t want);

// CheckMaxLength: `value` is at most `max` bytes.
absl::Status CheckMaxLength(absl::string_view field, absl::string_view value,
                            size_t max);

// FirstError returns the first non-OK status, or OK.
absl::Status FirstError(std::initializer_list<absl::Status> statuses);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_FIELD_CHECKS_H_
