#ifndef KEYWARD_KEYSTORE_SIGN_REQUEST_H_
#define KEYWARD_KEYSTORE_SIGN_REQUEST_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_SIGN_REQUEST_H_
