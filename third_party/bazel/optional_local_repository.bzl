"""optional_local_repository: a folder outside the workspace, used when present.

The repository exposes every file of the folder as `:all`. When the folder
does not exist the repository is still defined, with an empty `:all`, so that
targets depending on it build; tests then report that their data is absent.
The folder is `$<env_var>` when set, else `default_path` (relative to the
workspace root).
"""

def _impl(ctx):
    path = ctx.os.environ.get(ctx.attr.env_var, "") or ctx.attr.default_path
    root = ctx.path(Label("//:WORKSPACE")).dirname
    folder = ctx.path(path if path.startswith("/") else "%s/%s" % (root, path))
    if folder.exists:
        for child in folder.readdir():
            ctx.symlink(child, child.basename)
        ctx.file("BUILD.bazel", """
filegroup(
    name = "all",
    srcs = glob(["**"], exclude = ["BUILD.bazel", "WORKSPACE"]),
    visibility = ["//visibility:public"],
)
""")
    else:
        ctx.file("BUILD.bazel", """
filegroup(
    name = "all",
    srcs = [],
    visibility = ["//visibility:public"],
)
""")
    ctx.file("WORKSPACE", "")

optional_local_repository = repository_rule(
    implementation = _impl,
    attrs = {
        "default_path": attr.string(mandatory = True),
        "env_var": attr.string(mandatory = True),
    },
    environ = ["KEYWARD_VECTORS_DIR"],
    local = True,
)
