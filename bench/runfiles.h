#ifndef KEYWARD_BENCH_RUNFILES_H_
#define KEYWARD_BENCH_RUNFILES_H_

#include <string>

namespace keyward::bench {

// RunfilePath returns the path of `workspace_relative` (e.g.
// "service/keyward_server") among this binary's Bazel runfiles: under
// $RUNFILES_DIR, else $TEST_SRCDIR (when run by a test), else
// <this executable>.runfiles; the first that exists. "" when none does.
std::string RunfilePath(const std::string& workspace_relative);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_RUNFILES_H_
