#!/usr/bin/env bash
# valgrind_ct_test.sh BINARY: runs the ctgrind checks of BINARY (built from
# pre_master_ct_test.cc) under Valgrind's memcheck.
#   1. The PreMasterConstantTime suite must pass with no memcheck report: no
#      branch and no memory index depends on the secret EM.
#   2. Each Control test, which leaks on purpose, must be reported with the
#      kind of report it provokes: the harness can fail.
# Valgrind cannot run AddressSanitizer or ThreadSanitizer binaries; under
# those configurations the test says so and passes without checking.
set -uo pipefail

binary=$1
logs=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}
branch_report="Conditional jump or move depends on uninitialised value"
index_report="Use of uninitialised value of size"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

sanitizer=$("$binary" --print_sanitizer) || fail "$binary --print_sanitizer"
if [[ -n $sanitizer ]]; then
  echo "SKIPPED: $binary is built with $sanitizer, which Valgrind cannot run;"
  echo "the constant-time checks run in the plain and opt builds."
  exit 0
fi
command -v valgrind >/dev/null ||
  fail "valgrind is not installed (scripts/setup installs it)"

# run_memcheck NAME FILTER: runs the tests matching FILTER under memcheck;
# leaves memcheck's log in $logs/NAME.log, the tests' output in
# $logs/NAME.out, and the exit status in $status.
run_memcheck() {
  KEYWARD_CTGRIND_REQUIRE_VALGRIND=1 valgrind --tool=memcheck \
    --error-exitcode=1 --track-origins=yes --log-file="$logs/$1.log" \
    "$binary" --gtest_filter="$2" >"$logs/$1.out" 2>&1
  status=$?
}

# 1. The code under test: clean.
run_memcheck constant_time 'PreMasterConstantTime.*'
cat "$logs/constant_time.out"
if grep -qE "$branch_report|$index_report|Invalid read|Invalid write" \
  "$logs/constant_time.log"; then
  cat "$logs/constant_time.log" >&2
  fail "memcheck reports secret-dependent behaviour in the pre-master code"
fi
grep -q "ERROR SUMMARY: 0 errors" "$logs/constant_time.log" ||
  { cat "$logs/constant_time.log" >&2; fail "memcheck found errors"; }
[[ $status -eq 0 ]] || fail "the constant-time tests failed (status $status)"
grep -q "\[  PASSED  \] 2 tests" "$logs/constant_time.out" ||
  fail "expected the 2 PreMasterConstantTime tests to run and pass"
echo "PreMasterConstantTime: 2 tests passed under memcheck, 0 reports"

# 2. The controls: each must be caught, by the report of its kind, in the
#    leaking function.
check_control() {  # TEST REPORT FUNCTION
  run_memcheck "$1" "Control.$1"
  [[ $status -ne 0 ]] ||
    fail "Control.$1 leaks on purpose, but memcheck exited with 0"
  grep -q "\[  PASSED  \] 1 test" "$logs/$1.out" ||
    { cat "$logs/$1.out" >&2; fail "Control.$1 did not run and pass"; }
  grep -A4 "$2" "$logs/$1.log" | grep -q "$3" ||
    { cat "$logs/$1.log" >&2; fail "no '$2' report in $3 for Control.$1"; }
  echo "Control.$1: reported ('$2' in $3), as it must be"
}
check_control BranchOnTheSecretIsReported "$branch_report" \
  LeakyBranchOnFirstByte
check_control IndexByTheSecretIsReported "$index_report" \
  LeakyLookupByFirstByte
