#ifndef KEYWARD_BENCH_RUNFILES_H_
#define KEYWARD_BENCH_RUNFILES_H_

#include <string>

namespace keyward::bench {

// RunfilePath returns the path of `workspace_relative` (e.g.
// "service/keyward_server") among this binary's Bazel runfiles: under
// $RUNFILES_DIR, else $TEST_SRCDIR (when run by a test), else
// <this executable>.runfiles; the first that exists. "" when none does.
std::string RunfilePath(const std::string& workspace_relative);

// UseTestEnvironment: the process helpers shared with the tests
// (tests/support, clients/edge/testing) find runfiles and scratch space
// through the variables a Bazel test gets. Outside a test this points them
// at this binary's runfiles and at `scratch_dir` (TEST_TMPDIR).
void UseTestEnvironment(const std::string& scratch_dir);

// ExecutablePath returns the path of this process's executable
// (/proc/self/exe), or "" when it cannot be read.
std::string ExecutablePath();

// ReadFileOrEmpty returns the contents of `path`, or "" when it cannot be
// read: for the smoke tests, which check the reports a binary wrote.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_RUNFILES_H_
