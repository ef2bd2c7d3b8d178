#ifndef KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_
#define KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "handshake/secret_bytes.h"
#include "keystore/internal/pkcs1_pre_master.h"  // kPreMasterLength

namespace keyward::keystore::internal {

// Message whose signature seeds the per-key rejection key (see below).
inline constexpr absl::string_view kRejectionSeedMessage =
    "keyward rsa pre-master rejection seed v2";
// Label (HKDF salt) from which the per-key rejection key is extracted.
inline constexpr absl::string_view kRejectionKeyLabel =
    "keyward rsa pre-master rejection key v2";
// Label (HKDF info) with which a synthetic pre-master is expanded.
inline constexpr absl::string_view kSyntheticPreMasterLabel =
    "keyward rsa synthetic pre-master v1";

// RsaPrivateOperations: the two RSA private-key primitives the decrypter
// needs, performed wherever the key lives (OpenSSL in this process, or a
// PKCS #11 token). Implementations are immutable and thread-safe.
class RsaPrivateOperations {
 public:
  virtual ~RsaPrivateOperations() = default;

  // RawDecrypt returns RSADP(c) = c^d mod n with no unpadding, exactly k
  // bytes (left-padded). The caller guarantees that `c` is k bytes and less
  // than n. Neither the status nor its message may depend on the result
  // (Internal with a fixed message for every failure).
  virtual absl::StatusOr<handshake::SecretBytes> RawDecrypt(
      absl::Span<const uint8_t> c) const = 0;

  // SignDigestInfo returns the RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1)
  // of an already encoded DigestInfo: the EMSA-PKCS1-v1_5 type 1 padding is
  // added by the implementation, no hash is applied. Deterministic.
  virtual absl::StatusOr<std::string> SignDigestInfo(
      absl::string_view digest_info) const = 0;
};

// RejectionSeedDigestInfo returns the DigestInfo (RFC 8017 §9.2) of
// SHA-512/256(kRejectionSeedMessage): the block signed to seed the
// rejection key. The keystore never signs SHA-512/256 DigestInfos for
// callers (no TLS scheme uses that hash), so this signature cannot be
// obtained through the service.
std::string RejectionSeedDigestInfo();

// RsaPreMasterDecrypter performs the TLS 1.2 RSA key exchange decryption for
// one RSA private key without ever acting as a padding oracle.
//
// Construction (all HKDF is HKDF-SHA256, RFC 5869):
//   seed          = RSASSA-PKCS1-v1_5 signature of RejectionSeedDigestInfo()
//                   (deterministic; verified with the public key first)
//   rejection_key = HKDF-Extract(salt = kRejectionKeyLabel, IKM = seed)
//   synthetic     = HKDF-Expand(HKDF-Extract(salt = rejection_key,
//                                            IKM = ciphertext),
//                               info = kSyntheticPreMasterLabel, L = 48)
//   EM            = RSADP(ciphertext) with no unpadding (RawDecrypt)
//   result        = EM's last 48 bytes if EM is a PKCS #1 v1.5 type 2
//                   encoding of 48 bytes starting with client_version,
//                   else synthetic, chosen in constant time.
// The seed is a secret deterministic function of the private key that any
// holder of the key computes alike, wherever the key lives: a key in a file
// and the same key in an HSM (which never reveals key bytes) give the same
// rejection key, so every replica answers the same synthetic pre-master
// for the same ciphertext. Only RawDecrypt and the seed signature run where
// the key lives; the synthetic value, the padding check and the selection
// always run here, in this process, with the same code for every backend.
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
  // Create takes a reference to `rsa_key` (an OpenSSL RSA private key) and
  // performs the private operations with it in this process.
  // FailedPrecondition for a non-RSA key (RSA-PSS keys included) or a key
  // without its private part; InvalidArgument for null; Internal if OpenSSL
  // fails. The caller keeps its own reference.
  static absl::StatusOr<RsaPreMasterDecrypter> Create(EVP_PKEY* rsa_key);

  // Create with the private operations elsewhere: `public_key` (not owned,
  // only read during the call) is the RSA public key of `operations`; the
  // seed signature is checked with it. FailedPrecondition when it is no
  // RSA key or the seed signature does not verify (wrong key, or a faulty
  // device); InvalidArgument for nulls; other errors of `operations` as
  // they are.
  static absl::StatusOr<RsaPreMasterDecrypter> Create(
      std::shared_ptr<const RsaPrivateOperations> operations,
      const EVP_PKEY* public_key);

  // Decrypt: see PrivateKey::DecryptPreMaster. Always 48 bytes unless the
  // ciphertext length differs from the modulus length (InvalidArgument) or
  // the raw RSA operation itself fails (its status, which never depends on
  // the data: see RawDecrypt).
  absl::StatusOr<handshake::SecretBytes> Decrypt(absl::string_view ciphertext,
                                                 uint16_t client_version) const;

 private:
  struct State;

  explicit RsaPreMasterDecrypter(std::shared_ptr<const State> state);

  std::shared_ptr<const State> state_;
};

}  // namespace keyward::keystore::internal

#endif  // KEYWARD_KEYSTORE_INTERNAL_RSA_PRE_MASTER_H_
