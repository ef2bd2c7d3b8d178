"""encoded_seeds: a fuzzer's seed corpus kept as text-format protos."""

def encoded_seeds(name, srcs, message):
    """Encodes each text-format keyward.v1 `message` of `srcs` in binary.

    Every `srcs` file `x.textproto` gives `x.pb` (protoc --encode, Debian's
    /usr/bin/protoc), so the seeds stay readable and reviewable while the
    fuzzer reads what a client would send.
    """
    outs = [src[:-len(".textproto")] + ".pb" for src in srcs]
    native.genrule(
        name = name,
        testonly = True,
        srcs = srcs + ["//proto:keyward_v1_protos"],
        outs = outs,
        cmd = " && ".join([
            ("/usr/bin/protoc -Iproto -I/usr/include --encode=keyward.v1.%s " +
             "proto/keyward/v1/key_service.proto < $(location %s) > $(location %s)") %
            (message, src, out)
            for src, out in zip(srcs, outs)
        ]),
    )
