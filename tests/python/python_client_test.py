"""Every Keyward RPC through generated Python stubs, over mutual TLS.

Starts the real keyward_server on 127.0.0.1:0 with a keystore made by
scripts/gen-dev-keystore, calls each RPC as edge/a, and checks each result
independently: signatures with `cryptography`, secrets with Python's own
HMAC-based TLS 1.2 PRF and TLS 1.3 HKDF.
"""
import hashlib
import hmac
import os
import re
import subprocess
import unittest

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from grpc_health_v1 import health_pb2, health_pb2_grpc
from keyward.v1 import admin_service_pb2 as admin
from keyward.v1 import admin_service_pb2_grpc
from keyward.v1 import key_service_pb2 as ks
from keyward.v1 import key_service_pb2_grpc
from keyward.v1 import types_pb2 as types

RUNFILES = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"])
TMP = os.environ["TEST_TMPDIR"]
EDGE_A = "spiffe://keyward.dev/edge/a"

HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
          "sha512": hashes.SHA512()}


def prf(secret, label, seed, length, digest=hashlib.sha256):
    """TLS 1.2 PRF, RFC 5246 §5."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < length:
        a = hmac.new(secret, a, digest).digest()
        out += hmac.new(secret, a + seed, digest).digest()
    return out[:length]


def hkdf_expand_label(secret, label, context, length):
    """RFC 8446 §7.1 with SHA-256."""
    full = b"tls13 " + label
    info = (length.to_bytes(2, "big") + bytes([len(full)]) + full +
            bytes([len(context)]) + context)
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def scheme_name(value):
    return types.SignatureScheme.Name(value)[len("SIGNATURE_SCHEME_"):].lower()


def verify(public_key, scheme, signature, content):
    """Verifies a TLS signature scheme over `content` (raises on failure)."""
    name = scheme_name(scheme)
    if name == "ed25519":
        public_key.verify(signature, content)
        return
    algorithm = HASHES[name.rsplit("_", 1)[1]]
    if name.startswith("ecdsa"):
        public_key.verify(signature, content, ec.ECDSA(algorithm))
    elif name.startswith("rsa_pss"):
        public_key.verify(signature, content, padding.PSS(
            mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size),
            algorithm)
    else:
        public_key.verify(signature, content, padding.PKCS1v15(), algorithm)


class PythonClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        keystore = os.path.join(TMP, "keystore")
        subprocess.run([os.path.join(RUNFILES, "scripts/gen-dev-keystore"),
                        keystore], check=True, capture_output=True)
        config = os.path.join(TMP, "server.textproto")
        with open(config, "w") as f:
            f.write(f'''listen_address: "127.0.0.1:0"
tls {{
  server_cert_file: "{keystore}/endpoint/server.crt"
  server_key_file: "{keystore}/endpoint/server.key"
  client_ca_file: "{keystore}/ca/ca.crt"
}}
keystore {{ directory: "{keystore}" }}
admin_identities: "{EDGE_A}"
''')
        cls.server = subprocess.Popen(
            [os.path.join(RUNFILES, "service/keyward_server"),
             f"--config={config}"], stderr=subprocess.PIPE, text=True)
        for line in cls.server.stderr:
            match = re.search(r"serving on .* \(port (\d+)", line)
            if match:
                port = int(match.group(1))
                break
        else:
            raise RuntimeError("the server did not start")

        def read(path):
            with open(os.path.join(keystore, path), "rb") as f:
                return f.read()
        credentials = grpc.ssl_channel_credentials(
            read("ca/ca.crt"), read("clients/edge-a.key"),
            read("clients/edge-a.crt"))
        cls.channel = grpc.secure_channel(f"127.0.0.1:{port}", credentials)
        cls.stub = key_service_pb2_grpc.KeyServiceStub(cls.channel)
        cls.keys = {k.name: k for k in cls.stub.ListKeys(
            ks.ListKeysRequest(), timeout=10).keys}

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.terminate()
        cls.server.wait(timeout=30)

    def public_key(self, name):
        return x509.load_der_x509_certificate(
            self.keys[name].certificate_chain_der[0]).public_key()

    def test_health(self):
        response = health_pb2_grpc.HealthStub(self.channel).Check(
            health_pb2.HealthCheckRequest(), timeout=10)
        self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)

    def test_list_and_get_keys(self):
        self.assertEqual(sorted(self.keys), ["ecdsa-p256", "ecdsa-p384",
                                             "ed25519", "rsa-2048", "rsa-3072"])
        for name, key in self.keys.items():
            spki = self.public_key(name).public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo)
            self.assertEqual(key.spki_der, spki)
            self.assertEqual(key.key_id, hashlib.sha256(spki).hexdigest())
            got = self.stub.GetKey(ks.GetKeyRequest(key=types.KeySelector(
                certificate_sha256=hashlib.sha256(
                    key.certificate_chain_der[0]).digest())), timeout=10).key
            self.assertEqual(got.key_id, key.key_id)

    def test_sign_every_scheme_of_every_key(self):
        # TLS 1.3 forbids PKCS#1 v1.5 in CertificateVerify (RFC 8446
        # §4.2.3): those schemes sign a TLS 1.2 ServerKeyExchange instead.
        checked = 0
        for name, key in self.keys.items():
            for scheme in key.allowed_schemes:
                request = ks.SignRequest(
                    key=types.KeySelector(key_id=key.key_id), scheme=scheme)
                if scheme_name(scheme).startswith("rsa_pkcs1"):
                    randoms = os.urandom(64)
                    params = bytes([3, 0, 23, 65, 4]) + os.urandom(64)
                    request.tls12_server_key_exchange.client_random = randoms[:32]
                    request.tls12_server_key_exchange.server_random = randoms[32:]
                    request.tls12_server_key_exchange.server_params = params
                    content = randoms + params
                else:
                    transcript_hash = os.urandom(48)
                    request.tls13_certificate_verify.transcript_hash = (
                        transcript_hash)
                    content = (b" " * 64 +
                               b"TLS 1.3, server CertificateVerify\x00" +
                               transcript_hash)
                response = self.stub.Sign(request, timeout=10)
                verify(self.public_key(name), scheme, response.signature,
                       content)
                checked += 1
        # 2 RSA keys x 6 schemes, 2 ECDSA keys, Ed25519.
        self.assertEqual(checked, 15)

    def test_sign_tls12_server_key_exchange(self):
        randoms = os.urandom(64)
        params = bytes([3, 0, 29, 32]) + os.urandom(32)
        response = self.stub.Sign(ks.SignRequest(
            key=types.KeySelector(server_name="www.example.test"),
            scheme=types.SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
            tls12_server_key_exchange=ks.Tls12ServerKeyExchange(
                client_random=randoms[:32], server_random=randoms[32:],
                server_params=params)), timeout=10)
        verify(self.public_key("rsa-2048"),
               types.SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, response.signature,
               randoms + params)

    def test_decrypt_pre_master(self):
        key = self.keys["rsa-2048"]
        pre_master = b"\x03\x03" + os.urandom(46)
        ciphertext = self.public_key("rsa-2048").encrypt(
            pre_master, padding.PKCS1v15())
        def decrypt(data, version=0x0303):
            return self.stub.DecryptPreMaster(ks.DecryptPreMasterRequest(
                key=types.KeySelector(key_id=key.key_id),
                encrypted_pre_master=data, client_version=version),
                timeout=10).pre_master_secret
        self.assertEqual(decrypt(ciphertext), pre_master)
        wrong_version = decrypt(ciphertext, 0x0302)
        self.assertEqual(len(wrong_version), 48)
        self.assertNotEqual(wrong_version, pre_master)
        self.assertEqual(decrypt(ciphertext, 0x0302), wrong_version)
        short = self.public_key("rsa-2048").encrypt(b"\x03\x03" + os.urandom(45),
                                                    padding.PKCS1v15())
        self.assertEqual(len(decrypt(short)), 48)
        self.assertEqual(decrypt(short), decrypt(short))

    def test_rsa_key_exchange_classic_and_extended(self):
        key = self.keys["rsa-3072"]
        pre_master = b"\x03\x03" + os.urandom(46)
        ciphertext = self.public_key("rsa-3072").encrypt(
            pre_master, padding.PKCS1v15())
        client_random, server_random = os.urandom(32), os.urandom(32)
        for session_hash in (b"", os.urandom(48)):
            response = self.stub.RsaKeyExchange(ks.RsaKeyExchangeRequest(
                key=types.KeySelector(key_id=key.key_id),
                encrypted_pre_master=ciphertext, client_version=0x0303,
                client_random=client_random, server_random=server_random,
                prf_hash=types.PRF_HASH_SHA384, session_hash=session_hash,
                key_block_length=72), timeout=10)
            if session_hash:
                master = prf(pre_master, b"extended master secret",
                             session_hash, 48, hashlib.sha384)
            else:
                master = prf(pre_master, b"master secret",
                             client_random + server_random, 48, hashlib.sha384)
            self.assertEqual(response.master_secret, master)
            self.assertEqual(response.key_block, prf(
                master, b"key expansion", server_random + client_random, 72,
                hashlib.sha384))

    def test_derive_session_keys(self):
        shared, sh_hash, sf_hash = os.urandom(32), os.urandom(32), os.urandom(32)
        response = self.stub.DeriveSessionKeys(ks.DeriveSessionKeysRequest(
            tls13=ks.Tls13KeySchedule(
                cipher_suite=0x1301, shared_secret=shared,
                server_hello_hash=sh_hash, server_finished_hash=sf_hash)),
            timeout=10).tls13
        extract = lambda salt, ikm: hmac.new(salt, ikm, hashlib.sha256).digest()
        empty = hashlib.sha256(b"").digest()
        early = extract(b"", bytes(32))
        handshake = extract(hkdf_expand_label(early, b"derived", empty, 32),
                            shared)
        c_hs = hkdf_expand_label(handshake, b"c hs traffic", sh_hash, 32)
        self.assertEqual(response.client_handshake.secret, c_hs)
        self.assertEqual(response.client_handshake.key,
                         hkdf_expand_label(c_hs, b"key", b"", 16))
        self.assertEqual(response.client_handshake.iv,
                         hkdf_expand_label(c_hs, b"iv", b"", 12))
        master = extract(hkdf_expand_label(handshake, b"derived", empty, 32),
                         bytes(32))
        self.assertEqual(response.server_application.secret,
                         hkdf_expand_label(master, b"s ap traffic", sf_hash, 32))

        master12, randoms = os.urandom(48), os.urandom(64)
        tls12 = self.stub.DeriveSessionKeys(ks.DeriveSessionKeysRequest(
            tls12=ks.Tls12KeyBlock(cipher_suite=0xC02F, master_secret=master12,
                                   client_random=randoms[:32],
                                   server_random=randoms[32:])),
            timeout=10).tls12
        block = prf(master12, b"key expansion", randoms[32:] + randoms[:32], 40)
        self.assertEqual(tls12.client_write_key, block[0:16])
        self.assertEqual(tls12.server_write_key, block[16:32])
        self.assertEqual(tls12.client_write_iv, block[32:36])
        self.assertEqual(tls12.server_write_iv, block[36:40])

    def test_pipeline(self):
        key = self.keys["ecdsa-p384"]
        hashes_sent = {i: os.urandom(48) for i in range(1, 51)}
        requests = [ks.PipelineRequest(request_id=i, sign=ks.SignRequest(
            key=types.KeySelector(key_id=key.key_id),
            scheme=types.SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
            tls13_certificate_verify=ks.Tls13CertificateVerify(
                transcript_hash=h))) for i, h in hashes_sent.items()]
        requests.append(ks.PipelineRequest(request_id=99, sign=ks.SignRequest(
            key=types.KeySelector(key_id="0" * 64),
            scheme=types.SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
            tls13_certificate_verify=ks.Tls13CertificateVerify(
                transcript_hash=bytes(48)))))
        seen = {}
        for response in self.stub.Pipeline(iter(requests), timeout=30):
            seen[response.request_id] = response
        self.assertEqual(len(seen), 51)
        self.assertEqual(seen[99].status.code, grpc.StatusCode.NOT_FOUND.value[0])
        for i, h in hashes_sent.items():
            self.assertEqual(seen[i].status.code, 0)
            verify(self.public_key("ecdsa-p384"),
                   types.SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384,
                   seen[i].sign.signature,
                   b" " * 64 + b"TLS 1.3, server CertificateVerify\x00" + h)

    def test_reload(self):
        response = admin_service_pb2_grpc.AdminServiceStub(self.channel).Reload(
            admin.ReloadRequest(), timeout=30)
        self.assertEqual(response.key_count, 5)
        self.assertGreaterEqual(response.generation, 2)

    def test_errors_carry_grpc_codes(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Sign(ks.SignRequest(
                key=types.KeySelector(server_name="unknown.example"),
                scheme=types.SIGNATURE_SCHEME_ED25519,
                tls13_certificate_verify=ks.Tls13CertificateVerify(
                    transcript_hash=bytes(32))), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)


if __name__ == "__main__":
    unittest.main()
