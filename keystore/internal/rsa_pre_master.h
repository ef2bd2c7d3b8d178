#ifndef KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_
#define KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handshake/secret_bytes.h"
#include "keystore/internal/pkcs1_pre_master.h"  // kPreMasterLength

namespace keyward::keystore::internal {

// Label (HKDF salt) from which the per-key rejection key is extracted.
inline constexpr absl::string_view kRejectionKeyLabel =
    "keyward rsa pre-master rejection key v1";
// Label (HKDF info) with which a synthetic pre-master is expanded.
inline constexpr absl::string_view kSyntheticPreMasterLabel =
    "keyward rsa synthetic pre-master v1";

// RsaPreMasterDecrypter performs the TLS 1.2 RSA key exchange decryption for
// one RSA private key without ever acting as a padding oracle.
//
// Construction (all HKDF is HKDF-SHA256, RFC 5869):
//   rejection_key = HKDF-Extract(salt = kRejectionKeyLabel,
//                                IKM = DER RSAPrivateKey (RFC 8017 §A.1.2))
//   synthetic     = HKDF-Expand(HKDF-Extract(salt = rejection_key,
//                                            IKM = ciphertext),
//                               info = kSyntheticPreMasterLabel, L = 48)
//   EM            = RSADP(ciphertext) with no unpadding (RSA_NO_PADDING;
//                   OpenSSL blinds the private operation)
//   result        = EM's last 48 bytes if EM is a PKCS #1 v1.5 type 2
//                   encoding of 48 bytes starting with client_version,
//                   else synthetic, chosen in constant time.
// The synthetic value is computed for every ciphertext, valid or not, so the
// work done does not depend on the padding; it is a deterministic function
// of the key and the ciphertext, so repeating a ciphertext repeats the answer
// (a fresh random value per call would tell valid from invalid). This is
// RFC 5246 §7.4.7.1's countermeasure, with the random substitute made
// deterministic as in "implicit rejection" (draft-irtf-cfrg-rsa-guidance).
// A ciphertext that is not less than the modulus (public information) gets
// the synthetic value without a private-key operation.
//
// Copies share the key and the rejection key (immutable); Decrypt is safe
// to call from any number of threads. A moved-from decrypter may only be
// assigned to or destroyed.
class RsaPreMasterDecrypter {
 public:
  // Create takes a reference to `rsa_key` (an RSA private key) and derives
  // the per-key rejection secret from the private key itself, so every
  // replica loading the same key answers the same synthetic pre-master for
  // the same ciphertext. FailedPrecondition for a non-RSA key (RSA-PSS keys
  // included) or a key without its private part; InvalidArgument for null;
  // Internal if OpenSSL fails. The caller keeps its own reference.
  static absl::StatusOr<RsaPreMasterDecrypter> Create(EVP_PKEY* rsa_key);

  // Decrypt: see PrivateKey::DecryptPreMaster. Always 48 bytes unless the
  // ciphertext length differs from the modulus length (InvalidArgument) or
  // the raw RSA operation itself fails (Internal; not data dependent; the
  // message never carries OpenSSL's reason).
  absl::StatusOr<handshake::SecretBytes> Decrypt(absl::string_view ciphertext,
                                                 uint16_t client_version) const;

 private:
  struct State;

  explicit RsaPreMasterDecrypter(std::shared_ptr<const State> state);

  std::shared_ptr<const State> state_;
};

}  // namespace keyward::keystore::internal

#endif  // KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_
