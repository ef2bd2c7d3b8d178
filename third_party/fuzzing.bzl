"""cc_fuzz_test: a libFuzzer target that is also a test.

The target's source defines LLVMFuzzerTestOneInput. It is linked with
//third_party:fuzz_main, whose main():
  - in every build, runs each file of the seed `corpus` through the target
    once (a regression test of the corpus);
  - under --config=fuzz (clang-14, ASan+UBSan, libFuzzer), then fuzzes for
    $KEYWARD_FUZZ_SECONDS (default 10) seconds starting from the corpus,
    keeping new inputs in $TEST_TMPDIR, and fails on any crash or sanitizer
    report.
Longer runs: see README.md ("Fuzzing").
"""

def cc_fuzz_test(name, srcs, corpus, deps = [], **kwargs):
    native.cc_test(
        name = name,
        srcs = srcs,
        data = corpus,
        args = ["$(rootpaths %s)" % c for c in corpus],
        linkopts = select({
            # libFuzzer without its main(): fuzz_main.cc drives it.
            "//third_party:fuzzing": [
                "-fsanitize=fuzzer-no-link",
                "/usr/lib/clang/14/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a",
            ],
            "//conditions:default": [],
        }),
        tags = ["fuzz"],
        deps = deps + ["//third_party:fuzz_main"],
        **kwargs
    )
