#!/usr/bin/python3
"""A Keyward client in Python: health, a TLS 1.3 signature, an RSA key exchange.

Generate the stubs first (clients/python/generate.sh), then, against the
development service of `scripts/run` (which prints the KEYWARD_* exports):

  PYTHONPATH=clients/python/gen /usr/bin/python3 clients/python/example_client.py

Every result is checked locally with the `cryptography` package: the
signature against the certificate's public key, the master secret against
the TLS 1.2 PRF computed here.
"""
import argparse
import hashlib
import hmac
import os
import sys

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from grpc_health_v1 import health_pb2, health_pb2_grpc
from keyward.v1 import key_service_pb2 as ks
from keyward.v1 import key_service_pb2_grpc
from keyward.v1 import types_pb2 as types


def connect(endpoint, ca, cert, key):
    """A channel over mutual TLS; the files are PEM paths."""
    def read(path):
        with open(path, "rb") as f:
            return f.read()
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(ca), private_key=read(key),
        certificate_chain=read(cert))
    return grpc.secure_channel(endpoint, credentials)


def tls12_prf(secret, label, seed, length, digest=hashlib.sha256):
    """RFC 5246 §5: P_hash(secret, label || seed)."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < length:
        a = hmac.new(secret, a, digest).digest()
        out += hmac.new(secret, a + seed, digest).digest()
    return out[:length]


def sign_certificate_verify(stub, host):
    """Signs a TLS 1.3 CertificateVerify and verifies it; returns the key."""
    key = stub.GetKey(ks.GetKeyRequest(
        key=types.KeySelector(server_name=host)), timeout=5).key
    transcript_hash = os.urandom(32)
    response = stub.Sign(ks.SignRequest(
        key=types.KeySelector(key_id=key.key_id),
        scheme=types.SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
        tls13_certificate_verify=ks.Tls13CertificateVerify(
            transcript_hash=transcript_hash)), timeout=5)
    content = (b"\x20" * 64 + b"TLS 1.3, server CertificateVerify\x00" +
               transcript_hash)
    leaf = x509.load_der_x509_certificate(key.certificate_chain_der[0])
    leaf.public_key().verify(response.signature, content,
                             ec.ECDSA(hashes.SHA256()))
    return key


def rsa_key_exchange(stub, host):
    """Runs an RSA key exchange and checks the master secret locally."""
    key = stub.GetKey(ks.GetKeyRequest(
        key=types.KeySelector(server_name=host)), timeout=5).key
    public_key = x509.load_der_x509_certificate(
        key.certificate_chain_der[0]).public_key()
    pre_master = b"\x03\x03" + os.urandom(46)
    client_random, server_random = os.urandom(32), os.urandom(32)
    response = stub.RsaKeyExchange(ks.RsaKeyExchangeRequest(
        key=types.KeySelector(key_id=key.key_id),
        encrypted_pre_master=public_key.encrypt(pre_master, padding.PKCS1v15()),
        client_version=0x0303, client_random=client_random,
        server_random=server_random, prf_hash=types.PRF_HASH_SHA256),
        timeout=5)
    expected = tls12_prf(pre_master, b"master secret",
                         client_random + server_random, 48)
    if response.master_secret != expected:
        raise RuntimeError("master secret differs from the local PRF")
    return response.master_secret


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--endpoint", default=env("KEYWARD_ENDPOINT",
                                                  "127.0.0.1:8443"))
    parser.add_argument("--ca", default=env("KEYWARD_CA"))
    parser.add_argument("--cert", default=env("KEYWARD_CERT"))
    parser.add_argument("--key", default=env("KEYWARD_KEY"))
    args = parser.parse_args()
    if not (args.ca and args.cert and args.key):
        parser.error("give --ca, --cert and --key (or the KEYWARD_* exports)")
    channel = connect(args.endpoint, args.ca, args.cert, args.key)
    health = health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(), timeout=5)
    print("health:", health_pb2.HealthCheckResponse.ServingStatus.Name(
        health.status))
    stub = key_service_pb2_grpc.KeyServiceStub(channel)
    key = sign_certificate_verify(stub, "ecdsa-p256.dev.keyward.test")
    print("TLS 1.3 CertificateVerify signed and verified with", key.key_id)
    master = rsa_key_exchange(stub, "rsa-2048.dev.keyward.test")
    print("RSA key exchange: master secret", master.hex(), "matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
