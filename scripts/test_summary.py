#!/usr/bin/env python3
"""test_summary.py: the `N passed, N failed` line from Bazel's test results.

Usage: test_summary.py STAMP_FILE BAZEL_EXIT_CODE TARGET...

Reads bazel-testlogs/<target>/test.xml for each test target. A test case
counts once: passed, failed (a <failure> or <error>), or skipped. A target
whose test.xml is missing or older than STAMP_FILE (it did not run in this
invocation, e.g. its build failed) counts as one failed case, and so does a
Bazel exit code other than 0 (success) or 3 (some tests failed), which
means a target failed to build. Skipped cases
are listed with their reasons. Prints the summary last; exits 1 if anything
failed or nothing passed.
"""
import os
import sys
import xml.etree.ElementTree as ET


def target_dir(label):
    package, _, name = label.lstrip("/").partition(":")
    return os.path.join("bazel-testlogs", package, name)


def main(stamp, bazel_exit, targets):
    since = os.path.getmtime(stamp)
    passed = failed = skipped = 0
    if bazel_exit not in (0, 3):
        print(f"FAILED bazel test exited with {bazel_exit}: a build failed")
        failed += 1
    for label in targets:
        xml = os.path.join(target_dir(label), "test.xml")
        if not os.path.exists(xml) or os.path.getmtime(xml) < since:
            print(f"FAILED {label}: did not run (see the build output above)")
            failed += 1
            continue
        try:
            cases = ET.parse(xml).getroot().iter("testcase")
        except ET.ParseError as e:
            print(f"FAILED {label}: unreadable test.xml ({e})")
            failed += 1
            continue
        for case in cases:
            name = f"{label} {case.get('classname', '')}.{case.get('name', '')}"
            if case.find("failure") is not None or case.find("error") is not None:
                print(f"FAILED {name}")
                failed += 1
            elif case.get("result") == "skipped" or case.find("skipped") is not None:
                reason = case.find("skipped")
                why = reason.get("message", "") if reason is not None else ""
                print(f"SKIPPED {name}: {why.strip()}")
                skipped += 1
            else:
                passed += 1
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:]))
