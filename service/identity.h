#ifndef KEYWARD_SERVICE_IDENTITY_H_
#define KEYWARD_SERVICE_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"

namespace keyward::service {

// kMaxIdentityLength bounds an identity string; longer names are refused.
inline constexpr size_t kMaxIdentityLength = 1024;

// IdentityFromCertificatePem returns the identity the key service grants
// permissions to, taken from a client certificate (PEM, the leaf first):
// its first URI subjectAltName (e.g. a SPIFFE ID), else its first DNS
// subjectAltName, else its subject commonName. The certificate must already
// be verified (mutual TLS does that before any call). Unauthenticated when
// the PEM holds no certificate, when none of the three names is present, or
// when the chosen name is empty, longer than kMaxIdentityLength, or holds
// anything but printable ASCII without spaces (so no embedded NUL or control
// character can make one identity look like another).
absl::StatusOr<std::string> IdentityFromCertificatePem(absl::string_view pem);

// CallerIdentity returns the identity of the peer of a call: the
// IdentityFromCertificatePem of the verified client certificate that gRPC
// records in the "x509_pem_cert" property. Unauthenticated when the peer is
// not authenticated (e.g. plaintext on loopback) or as above. The
// identities of the last few thousand certificates are remembered, so a
// connection's certificate is parsed once, not on every call. Thread-safe.
absl::StatusOr<std::string> CallerIdentity(const grpc::AuthContext& auth);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_IDENTITY_H_
