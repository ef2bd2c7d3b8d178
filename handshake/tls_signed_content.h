#ifndef KEYWARD_HANDSHAKE_TLS_SIGNED_CONTENT_H_
#define KEYWARD_HANDSHAKE_TLS_SIGNED_CONTENT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The exact bytes a TLS server signs in its handshake. The key service builds
// them itself from the caller's fields, so that a key restricted to
// structured signing can only ever sign TLS server handshake messages.
// Nothing here is secret; outputs are owned by the caller.
namespace keyward::handshake {

// kTls13ServerCertificateVerifyContext is the context string of a server's
// CertificateVerify (RFC 8446 §4.4.3).
inline constexpr absl::string_view kTls13ServerCertificateVerifyContext =
    "TLS 1.3, server CertificateVerify";

// BuildTls13ServerCertificateVerifyInput returns the content a TLS 1.3 server
// signs in CertificateVerify (RFC 8446 §4.4.3): 64 bytes of 0x20, the
// context string, one 0x00 byte, then `transcript_hash`
// (Transcript-Hash(ClientHello ... Certificate)). InvalidArgument naming
// "transcript_hash" unless it is 32 (SHA-256 suites) or 48 (SHA-384) bytes.
absl::StatusOr<std::string> BuildTls13ServerCertificateVerifyInput(
    absl::string_view transcript_hash);

// CheckServerEcdhParams accepts exactly one ServerECDHParams structure
// (RFC 8422 §5.4): ECCurveType named_curve (3), a NamedCurve among
// secp256r1 (23), secp384r1 (24), secp521r1 (25), x25519 (29) and x448 (30),
// and an ECPoint whose 1-byte length equals the curve's point length:
// 65/97/133 bytes starting with 0x04 (uncompressed, RFC 8422 §5.4.1) for the
// NIST curves, 32/56 bytes for X25519/X448 (RFC 8422 §5.11). Anything else,
// trailing bytes included, is InvalidArgument naming "server_params" and the
// offending part. The point is not checked to lie on the curve: the edge
// generated it and the signature only vouches for what the edge sent.
absl::Status CheckServerEcdhParams(absl::string_view server_params);

// BuildTls12ServerKeyExchangeInput returns client_random || server_random ||
// server_params, the content a TLS 1.2 (and 1.0/1.1) server signs in an
// ECDHE ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4).
// InvalidArgument naming the field unless each random is
// kTls12RandomLength (32) bytes and
// `server_params` passes CheckServerEcdhParams.
absl::StatusOr<std::string> BuildTls12ServerKeyExchangeInput(
    absl::string_view client_random, absl::string_view server_random,
    absl::string_view server_params);

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_TLS_SIGNED_CONTENT_H_
