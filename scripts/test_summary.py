#!/usr/bin/env python3
"""test_summary.py: tallies Bazel test results into `N passed, N failed`.

One pass (after one `bazel test`):
  test_summary.py --pass NAME --state FILE --testlogs DIR --stamp FILE
                  --bazel-exit CODE --events BEP_JSON TARGET...
reads DIR/<package>/<name>/test.xml for each test target, prints failed and
skipped cases, a line for the pass, and appends its counts to FILE.
A test case counts once: passed, failed (a <failure> or <error>) or skipped.
A target whose test.xml is missing or older than the stamp file (it did not
run in this invocation, e.g. its build failed) counts as one failed case, and
so does a Bazel exit code other than 0 (success) or 3 (some tests failed),
which means a target failed to build; so does a target whose test cases all
passed but whose binary failed (Bazel's status in the build events BEP_JSON,
e.g. a leak report at exit). A pass in which nothing passed fails.

The end:
  test_summary.py --total --state FILE
prints the sum of all passes, last line `N passed, N failed`; exits 1 if
anything failed or nothing passed.
"""
import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET


def target_statuses(events):
    """Maps each test target to Bazel's overall status (build events)."""
    statuses = {}
    if not events or not os.path.exists(events):
        return statuses
    with open(events) as lines:
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            summary = event.get("testSummary")
            label = event.get("id", {}).get("testSummary", {}).get("label")
            if summary is not None and label:
                statuses[label] = summary.get("overallStatus", "")
    return statuses


def tally_target(testlogs, label, since, status=None):
    """Returns (passed, failed, skipped) of one target, printing details.

    `status` is Bazel's overall status of the target, when known: a target
    whose binary failed although every test case in its XML passed (e.g. a
    leak report at exit) counts one failure more.
    """
    package, _, name = label.lstrip("/").partition(":")
    xml = os.path.join(testlogs, package, name, "test.xml")
    if not os.path.exists(xml) or os.path.getmtime(xml) < since:
        print(f"FAILED {label}: did not run (see the build output above)")
        return 0, 1, 0
    try:
        cases = list(ET.parse(xml).getroot().iter("testcase"))
    except ET.ParseError as e:
        print(f"FAILED {label}: unreadable test.xml ({e})")
        return 0, 1, 0
    passed = failed = skipped = 0
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
    if not cases:
        print(f"FAILED {label}: test.xml holds no test case")
        failed += 1
    if failed == 0 and status not in (None, "PASSED"):
        print(f"FAILED {label}: {status} although its test cases passed "
              "(see its test.log, e.g. a sanitizer report at exit)")
        failed += 1
    return passed, failed, skipped


def one_pass(args):
    since = os.path.getmtime(args.stamp)
    passed = failed = skipped = 0
    if args.bazel_exit not in (0, 3):
        print(f"FAILED bazel test exited with {args.bazel_exit}: a build failed")
        failed += 1
    statuses = target_statuses(args.events)
    for label in args.targets:
        p, f, s = tally_target(args.testlogs, label, since,
                               statuses.get(label))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if passed == 0:
        print(f"FAILED pass {args.pass_name}: no test passed")
        failed += 1
    print(f"pass {args.pass_name}: {passed} passed, {failed} failed, "
          f"{skipped} skipped")
    with open(args.state, "a") as state:
        state.write(json.dumps({"pass": args.pass_name, "passed": passed,
                                "failed": failed, "skipped": skipped}) + "\n")


def total(args):
    passes = [json.loads(line) for line in open(args.state) if line.strip()]
    passed = sum(p["passed"] for p in passes)
    failed = sum(p["failed"] for p in passes)
    skipped = sum(p["skipped"] for p in passes)
    for p in passes:
        print(f"  {p['pass']}: {p['passed']} passed, {p['failed']} failed, "
              f"{p['skipped']} skipped")
    if not passes:
        print("FAILED no test pass ran")
        failed += 1
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pass", dest="pass_name")
    parser.add_argument("--state", required=True)
    parser.add_argument("--testlogs")
    parser.add_argument("--stamp")
    parser.add_argument("--bazel-exit", type=int, default=0)
    parser.add_argument("--events", default="",
                        help="Bazel's --build_event_json_file of the pass")
    parser.add_argument("--total", action="store_true")
    parser.add_argument("targets", nargs="*")
    args = parser.parse_args()
    if args.total:
        return total(args)
    one_pass(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
