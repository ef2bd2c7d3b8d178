"""cc_grpc_proto_library: C++ code for .proto files, with the system protoc.

Runs Debian's /usr/bin/protoc (and grpc_cpp_plugin) over `srcs` and wraps the
generated files in a cc_library. `import_root` is the folder, relative to the
execution root, that the files' import paths are relative to:
  - "." (the workspace root): "service/x.proto" gives "service/x.pb.h";
  - the package itself, e.g. "proto": "proto/keyward/v1/k.proto" is imported
    as "keyward/v1/k.proto" and gives "keyward/v1/k.pb.h";
  - an external repository, e.g. "external/grpc_proto".
Imports resolve within `import_root`, /usr/include (well-known types) and
the import roots of `proto_deps` (other cc_grpc_proto_library targets, given
as (label, import_root) pairs).
"""

def cc_grpc_proto_library(name, srcs, import_root, grpc = True, proto_deps = [], visibility = None):
    package = native.package_name()
    outs = []
    for src in srcs:
        label = Label("//" + package).relative(src)
        path = "/".join([p for p in [label.workspace_root, label.package, label.name] if p])
        prefix = package + "/" if import_root == "." else import_root + "/"
        if not path.startswith(prefix):
            fail("%s is not under %s" % (path, prefix))
        stem = path[len(prefix):-len(".proto")]
        outs += [stem + ".pb.h", stem + ".pb.cc"]
        if grpc:
            outs += [stem + ".grpc.pb.h", stem + ".grpc.pb.cc"]

    out_dir = "$(GENDIR)" if import_root == "." else "$(RULEDIR)"
    plugin = "--grpc_out=%s --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin" % out_dir if grpc else ""
    native.filegroup(
        name = name + "_protos",
        srcs = srcs,
        visibility = visibility,
    )
    roots = [import_root] + [root for _, root in proto_deps] + ["/usr/include"]
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [label + "_protos" for label, _ in proto_deps],
        outs = outs,
        cmd = "/usr/bin/protoc %s --cpp_out=%s %s %s" % (
            " ".join(["-I" + root for root in roots]),
            out_dir,
            plugin,
            " ".join(["$(location %s)" % s for s in srcs]),
        ),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = [] if import_root == "." else ["."],
        copts = ["-Wno-unused-parameter"],
        deps = [label for label, _ in proto_deps] +
               ["//third_party:grpc" if grpc else "//third_party:protobuf"],
        visibility = visibility,
    )
