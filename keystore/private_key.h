#ifndef KEYWARD_KEYSTORE_PRIVATE_KEY_H_
#define KEYWARD_KEYSTORE_PRIVATE_KEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// PrivateKey: the operations the keystore performs with one private key.
// The key bytes never leave the implementation; callers get signatures and
// (for the TLS 1.2 RSA key exchange) a pre-master secret.
//
// Implementations are immutable after creation and safe for concurrent use
// from any number of threads.
class PrivateKey {
 public:
  virtual ~PrivateKey() = default;

  // SignMessage hashes `message` with the scheme's hash and signs it (for
  // Ed25519: signs `message` itself, RFC 8032 PureEdDSA). RSA signatures
  // are verified with the public key before they are returned.
  // FailedPrecondition when `scheme` does not fit the key type (e.g. an
  // ECDSA scheme for an RSA key, or the P-256 scheme for a P-384 key) or
  // is RSA_PKCS1_MD5_SHA1 (a message form is not offered for it);
  // InvalidArgument naming "scheme" for SIGNATURE_SCHEME_UNSPECIFIED and
  // values that are no scheme at all; Internal when the signature could
  // not be produced or did not verify.
  virtual absl::StatusOr<std::string> SignMessage(
      v1::SignatureScheme scheme, absl::string_view message) const = 0;

  // SignDigest signs a precomputed digest of exactly the scheme's hash
  // length (36 bytes, MD5 || SHA-1, for RSA_PKCS1_MD5_SHA1).
  // InvalidArgument for a wrong length (naming "digest") or an unknown
  // scheme (as SignMessage); FailedPrecondition for Ed25519 (which signs
  // messages only) and schemes that do not fit the key.
  virtual absl::StatusOr<std::string> SignDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const = 0;

  // DecryptPreMaster decrypts a TLS 1.2 EncryptedPreMasterSecret (RFC 5246
  // §7.4.7.1) and returns 48 bytes: the pre-master secret when the
  // ciphertext is a PKCS#1 v1.5 (type 2) encryption of 48 bytes whose first
  // two bytes equal `client_version` (big-endian), else a synthetic value
  // that is a deterministic function of a secret derived from this private
  // key and of the ciphertext. The padding and version checks and the
  // selection between the two values are constant time.
  // InvalidArgument only when the ciphertext length differs from the
  // modulus length (public information); FailedPrecondition for non-RSA
  // keys.
  virtual absl::StatusOr<handshake::SecretBytes> DecryptPreMaster(
      absl::string_view ciphertext, uint16_t client_version) const = 0;
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_PRIVATE_KEY_H_
