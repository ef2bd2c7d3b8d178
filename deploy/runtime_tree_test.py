"""The runtime image's file tree is complete: the server runs from it alone.

Assembles the tree with deploy/image/assemble_runtime.sh (what the
Dockerfile's runtime stage copies onto `scratch`, checked below), makes it
read-only, and starts keyward_server through the tree's own dynamic loader,
with the loader's cache ignored, an empty environment and the tree's copies
of the loader's system directories as the only library path: the way the
kernel would start it in the image. The configuration is the cluster's
(deploy/kubernetes/base/server.textproto) with only paths and ports
changed, and the keystore and TLS material are laid out as a Kubernetes
Secret volume lays them out ("..data" symlinks, mode 0400). Then every
file the process maps must come from the tree, and the health listener
(plaintext), a Sign (mutual TLS, verified with `cryptography`), the metrics
endpoint and a SIGTERM drain must all work.
"""
import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import unittest
import urllib.request

import grpc
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes

from keyward.v1 import key_service_pb2 as ks
from keyward.v1 import key_service_pb2_grpc
from keyward.v1 import types_pb2 as types

RUNFILES = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"])
TMP = os.environ["TEST_TMPDIR"]
LOADER = "/lib64/ld-linux-x86-64.so.2"


def runfile(path):
    return os.path.join(RUNFILES, path)


def make_writable(root):
    """Gives the owner write access to every folder under `root` again."""
    for folder, _, _ in os.walk(root):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR)


def secret_volume(folder, files):
    """Writes `files` (name -> bytes) as the kubelet writes a Secret volume:
    the data in a timestamped folder, "..data" a symlink to it, and each
    visible name a symlink through "..data"; files mode 0400."""
    data = os.path.join(folder, "..2026_11_27_12_00_00.000000001")
    os.makedirs(data)
    for name, content in files.items():
        path = os.path.join(data, name)
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, 0o400)
    os.symlink(os.path.basename(data), os.path.join(folder, "..data"))
    for name in files:
        os.symlink(os.path.join("..data", name), os.path.join(folder, name))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def loader_system_dirs(loader):
    """The folders the loader searches without a cache, from its --help."""
    text = subprocess.run([loader, "--help"], capture_output=True, text=True,
                          check=True, env={}).stdout
    return re.findall(r"^\s+(/\S+) \(system search path\)$", text, re.M)


class RuntimeTreeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # Resolved: /proc/PID/maps names files by their real paths.
        cls.tree = os.path.join(os.path.realpath(TMP), "tree")
        if os.path.exists(cls.tree):
            make_writable(cls.tree)
            shutil.rmtree(cls.tree)
        subprocess.run(["bash", runfile("deploy/image/assemble_runtime.sh"),
                        runfile("service/keyward_server"), cls.tree],
                       check=True)
        cls.files = sorted(
            os.path.relpath(os.path.join(folder, name), cls.tree)
            for folder, _, names in os.walk(cls.tree) for name in names)
        # Read-only, as the root file system is in the pod; /tmp is a
        # separate writable volume there, and here.
        for folder, _, _ in os.walk(cls.tree):
            os.chmod(folder, os.stat(folder).st_mode & ~0o222)
        tmp_volume = os.path.join(TMP, "tmp-volume")
        os.makedirs(tmp_volume, exist_ok=True)

        # Keys and certificates as the Secrets hold them.
        source = os.path.join(TMP, "keystore-source")
        shutil.rmtree(source, ignore_errors=True)
        subprocess.run([runfile("scripts/gen-dev-keystore"), source],
                       check=True, capture_output=True)
        manifest = read(os.path.join(source, "manifest.textproto"))
        keystore_files = {"manifest.textproto": manifest.replace(b"keys/", b"")}
        for name in os.listdir(os.path.join(source, "keys")):
            keystore_files[name] = read(os.path.join(source, "keys", name))
        secrets = os.path.join(TMP, "secrets")
        shutil.rmtree(secrets, ignore_errors=True)
        secret_volume(os.path.join(secrets, "keystore"), keystore_files)
        secret_volume(os.path.join(secrets, "tls"), {
            "tls.crt": read(os.path.join(source, "endpoint/server.crt")),
            "tls.key": read(os.path.join(source, "endpoint/server.key")),
            "ca.crt": read(os.path.join(source, "ca/ca.crt"))})
        cls.source = source

        # The cluster's configuration; only where things are changes.
        config = read(runfile("deploy/kubernetes/base/server.textproto")).decode()
        for old, new in [("/etc/keyward/keystore", f"{secrets}/keystore"),
                         ("/etc/keyward/tls", f"{secrets}/tls"),
                         ('"0.0.0.0:8443"', '"127.0.0.1:0"'),
                         ('"0.0.0.0:8081"', '"127.0.0.1:0"'),
                         ('"0.0.0.0:9464"', '"127.0.0.1:0"')]:
            if old not in config:
                raise AssertionError(f"server.textproto no longer holds {old}")
            config = config.replace(old, new)
        config_path = os.path.join(TMP, "server.textproto")
        with open(config_path, "w") as f:
            f.write(config)

        loader = cls.tree + LOADER
        library_path = ":".join(cls.tree + d for d in loader_system_dirs(loader))
        cls.server = subprocess.Popen(
            [loader, "--inhibit-cache", "--library-path", library_path,
             cls.tree + "/usr/bin/keyward_server", f"--config={config_path}"],
            env={"TMPDIR": tmp_volume}, stderr=subprocess.PIPE, text=True)
        cls.log = []
        ports = {}
        patterns = {"grpc": r"serving on .* \(port (\d+)",
                    "health": r"health checks without TLS on .* \(port (\d+)",
                    "metrics": r"metrics: http://.* \(port (\d+)\)"}
        for line in cls.server.stderr:
            cls.log.append(line)
            for name, pattern in patterns.items():
                match = re.search(pattern, line)
                if match:
                    ports[name] = int(match.group(1))
            if len(ports) == len(patterns):
                break
        else:
            raise RuntimeError("the server did not start:\n" + "".join(cls.log))
        cls.ports = ports
        # The rest of the log (audit lines included) is collected so that
        # the pipe never fills.
        cls.reader = threading.Thread(
            target=lambda: cls.log.extend(cls.server.stderr))
        cls.reader.start()

    @classmethod
    def tearDownClass(cls):
        if cls.server.poll() is None:
            cls.server.kill()
            cls.server.wait()
        cls.reader.join()
        make_writable(cls.tree)

    def test_00_tree_holds_only_the_server_its_libraries_and_loader(self):
        self.assertIn("usr/bin/keyward_server", self.files)
        self.assertIn(LOADER.lstrip("/"), self.files)
        libraries = [f for f in self.files if f != "usr/bin/keyward_server"]
        self.assertTrue(all(re.search(r"\.so(\.[\d.]+)?$", f) for f in libraries),
                        libraries)
        for name in ("libc.so.6", "libcrypto.so.3", "libssl.so.3",
                     "libgrpc++.so.1.51", "libprotobuf.so.32"):
            self.assertTrue(any(f.endswith("/" + name) for f in libraries), name)
        self.assertEqual(sorted(os.listdir(self.tree)),
                         ["lib", "lib64", "tmp", "usr"])
        print(f"tree: {len(self.files)} files ({len(libraries)} libraries "
              "with the loader)")

    def test_01_dockerfile_runtime_stage_is_exactly_the_tree(self):
        text = read(runfile("deploy/image/Dockerfile")).decode()
        lines = [l.strip() for l in re.sub(r"\\\n", " ", text).splitlines()
                 if l.strip() and not l.lstrip().startswith("#")]
        stages = [i for i, l in enumerate(lines) if l.upper().startswith("FROM ")]
        build, runtime = lines[stages[-2]:stages[-1]], lines[stages[-1]:]
        self.assertRegex(build[0], r"^FROM debian:12\b")
        self.assertTrue(any("deploy/image/assemble_runtime.sh" in l
                            for l in build if l.startswith("RUN ")), build)
        self.assertEqual(runtime[0].split()[1], "scratch")
        copies = [l for l in runtime if l.startswith("COPY ")]
        self.assertEqual(len(copies), 1, runtime)
        self.assertRegex(copies[0], r"^COPY --from=\S+ /runtime/ /$")
        self.assertIn("USER 65532:65532", runtime)
        self.assertIn('ENTRYPOINT ["/usr/bin/keyward_server"]', runtime)
        self.assertFalse(any(l.startswith("RUN ") for l in runtime),
                         "the runtime stage has no shell to RUN anything with")

    def test_02_every_mapped_file_comes_from_the_tree(self):
        mapped = set()
        with open(f"/proc/{self.server.pid}/maps") as f:
            for line in f:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith("/"):
                    path = fields[5].strip()
                    if not path.startswith(("/dev/", "/memfd:")):
                        mapped.add(path)
        outside = sorted(p for p in mapped if not p.startswith(self.tree + "/"))
        self.assertEqual(outside, [])
        # Every file of the tree is in use: nothing in it is dead weight.
        self.assertEqual(sorted(os.path.relpath(p, self.tree) for p in mapped),
                         self.files)
        with open(f"/proc/{self.server.pid}/status") as f:
            rss = re.search(r"^VmRSS:\s+(\d+ kB)", f.read(), re.M).group(1)
        print(f"maps: {len(mapped)} files mapped, all from the tree; "
              f"resident memory {rss}")

    def test_03_plaintext_health_answers_serving(self):
        with grpc.insecure_channel(f"127.0.0.1:{self.ports['health']}") as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            # HealthCheckRequest{} and {service: "keyward.v1.KeyService"};
            # the answer HealthCheckResponse{status: SERVING} is 08 01.
            service = b"keyward.v1.KeyService"
            for request in (b"", b"\x0a" + bytes([len(service)]) + service):
                self.assertEqual(check(request, timeout=10), b"\x08\x01")

    def test_04_sign_over_mutual_tls(self):
        credentials = grpc.ssl_channel_credentials(
            read(os.path.join(self.source, "ca/ca.crt")),
            read(os.path.join(self.source, "clients/edge-a.key")),
            read(os.path.join(self.source, "clients/edge-a.crt")))
        with grpc.secure_channel(f"127.0.0.1:{self.ports['grpc']}",
                                 credentials) as channel:
            stub = key_service_pb2_grpc.KeyServiceStub(channel)
            keys = {k.name: k for k in stub.ListKeys(
                ks.ListKeysRequest(), timeout=10).keys}
            self.assertEqual(sorted(keys), ["ecdsa-p256", "ecdsa-p384",
                                            "ed25519", "rsa-2048", "rsa-3072"])
            transcript_hash = os.urandom(32)
            request = ks.SignRequest(
                key=types.KeySelector(key_id=keys["ecdsa-p256"].key_id),
                scheme=types.SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256)
            request.tls13_certificate_verify.transcript_hash = transcript_hash
            response = stub.Sign(request, timeout=10)
        public_key = x509.load_der_x509_certificate(
            keys["ecdsa-p256"].certificate_chain_der[0]).public_key()
        public_key.verify(
            response.signature,
            b" " * 64 + b"TLS 1.3, server CertificateVerify\x00" + transcript_hash,
            ec.ECDSA(hashes.SHA256()))

    def test_05_metrics(self):
        with urllib.request.urlopen(
                f"http://127.0.0.1:{self.ports['metrics']}/metrics",
                timeout=10) as response:
            body = response.read().decode()
        self.assertIn("keyward_operations_total", body)

    def test_99_sigterm_drains_and_exits_zero(self):
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=60), 0)
        self.reader.join()
        log = "".join(self.log)
        self.assertIn("draining for up to 20s", log)
        self.assertIn("stopped", log)


if __name__ == "__main__":
    unittest.main()
