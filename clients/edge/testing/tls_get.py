"""tls_get: one HTTPS GET with Python's ssl module (the system OpenSSL).

Usage: tls_get.py PORT HOST CAFILE VERSION [CIPHER]
Connects to 127.0.0.1:PORT with SNI HOST, verifies the chain against CAFILE
and HOST, allows only TLS VERSION ("1.2" or "1.3"), and for TLS 1.2 only
CIPHER (an OpenSSL cipher string) when given. Prints one JSON object:
{"version", "cipher", "certificate_sha256", "body"}; on failure prints the
error to stderr and exits 1.
"""
import hashlib
import json
import socket
import ssl
import sys


def main(argv):
    port, host, cafile, version = int(argv[1]), argv[2], argv[3], argv[4]
    context = ssl.create_default_context(cafile=cafile)
    tls = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[version]
    context.minimum_version = tls
    context.maximum_version = tls
    if len(argv) > 5:
        context.set_ciphers(argv[5])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with context.wrap_socket(raw, server_hostname=host) as conn:
            request = "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
            conn.sendall((request % host).encode())
            response = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                response += chunk
            head, _, body = response.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                raise RuntimeError("unexpected response: %r" % head)
            print(json.dumps({
                "version": conn.version(),
                "cipher": conn.cipher()[0],
                "certificate_sha256": hashlib.sha256(
                    conn.getpeercert(binary_form=True)).hexdigest(),
                "body": body.decode(),
            }))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (OSError, ssl.SSLError, RuntimeError) as error:
        print("tls_get: %s" % error, file=sys.stderr)
        sys.exit(1)
