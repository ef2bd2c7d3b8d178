"""opt_binary: an executable target built with `-c opt`, whatever the build's
own compilation mode.

tests/ctgrind checks that code compiled by the optimiser, as a release build
compiles it, still has no branch or memory index on secret data: compilers
can turn mask arithmetic into branches at -O2 that -O0 leaves alone.
"""

def _opt_transition_impl(settings, attr):
    return {"//command_line_option:compilation_mode": "opt"}

_opt_transition = transition(
    implementation = _opt_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:compilation_mode"],
)

def _opt_binary_impl(ctx):
    binary = ctx.attr.binary[0]
    executable = binary[DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(
        output = out,
        target_file = executable,
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [executable])
    runfiles = runfiles.merge(binary[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = out, runfiles = runfiles)]

opt_binary = rule(
    implementation = _opt_binary_impl,
    doc = "Re-exports `binary`, built in the opt compilation mode.",
    attrs = {
        "binary": attr.label(
            cfg = _opt_transition,
            executable = True,
            mandatory = True,
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    executable = True,
)
