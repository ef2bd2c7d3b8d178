#ifndef KEYWARD_KEYSTORE_SIGN_REQUEST_H_
#define KEYWARD_KEYSTORE_SIGN_REQUEST_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keystore/private_key.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// The request checks every PrivateKey implementation makes before it signs,
// with the statuses private_key.h documents.

// CheckSchemeForKey: InvalidArgument naming "scheme" for
// SIGNATURE_SCHEME_UNSPECIFIED and values that are no scheme at all;
// FailedPrecondition when `scheme` does not fit a key of `algorithm`.
absl::Status CheckSchemeForKey(v1::SignatureScheme scheme,
                               v1::KeyAlgorithm algorithm);

// CheckDigestRequest: CheckSchemeForKey, then FailedPrecondition for
// ED25519 (messages only) and InvalidArgument naming "digest" when
// `digest` is not exactly the scheme's hash length.
absl::Status CheckDigestRequest(v1::SignatureScheme scheme,
                                v1::KeyAlgorithm algorithm,
                                absl::string_view digest);

// DigestOfMessage: for SignMessage with a scheme other than ED25519:
// CheckSchemeForKey, then FailedPrecondition for RSA_PKCS1_MD5_SHA1
// (digests only), then the scheme's hash of `message`.
absl::StatusOr<std::string> DigestOfMessage(v1::SignatureScheme scheme,
                                            v1::KeyAlgorithm algorithm,
                                            absl::string_view message);

// SchemeCheckedKey is a PrivateKey whose SignMessage and SignDigest make the
// checks above (and hash messages for the digest schemes) before handing
// the signing itself to the backend, so every backend answers the same
// statuses for the same bad requests.
class SchemeCheckedKey : public PrivateKey {
 public:
  absl::StatusOr<std::string> SignMessage(
      v1::SignatureScheme scheme, absl::string_view message) const final;
  absl::StatusOr<std::string> SignDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const final;

 protected:
  // The key's algorithm, against which schemes are checked.
  virtual v1::KeyAlgorithm algorithm() const = 0;
  // SignPureEd25519 signs `message` itself (RFC 8032 PureEdDSA); called only
  // for an Ed25519 key.
  virtual absl::StatusOr<std::string> SignPureEd25519(
      absl::string_view message) const = 0;
  // SignCheckedDigest signs `digest`, exactly as long as `scheme`'s hash,
  // with a scheme that fits the key (never ED25519).
  virtual absl::StatusOr<std::string> SignCheckedDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const = 0;
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_SIGN_REQUEST_H_
