#ifndef KEYWARD_BENCH_DEV_KEYSTORE_H_
#define KEYWARD_BENCH_DEV_KEYSTORE_H_

#include <string>

#include "absl/status/status.h"

namespace keyward::bench {

// MakeDevKeystore runs scripts/gen-dev-keystore (from the runfiles) to
// create a development keystore in `dir`, which must not hold one yet.
// NotFound when the generator is not among the runfiles; Internal when it
// fails (its messages go to stderr).
absl::Status MakeDevKeystore(const std::string& dir);

// MakeTempDir creates a fresh directory "<$TEST_TMPDIR or /tmp>/<prefix>
// XXXXXX" (mode 0700) and returns its path; "" on failure.
std::string MakeTempDir(const std::string& prefix);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_DEV_KEYSTORE_H_
