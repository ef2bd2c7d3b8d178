#ifndef KEYWARD_BENCH_OPERATION_SPEC_H_
#define KEYWARD_BENCH_OPERATION_SPEC_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/types.pb.h"

namespace keyward::bench {

// OperationKind: which Keyward operation a benchmark point runs.
enum class OperationKind {
  // Sign of a TLS 1.3 server CertificateVerify (RFC 8446 §4.4.3), or of a
  // TLS 1.2 ServerKeyExchange (RFC 5246 §7.4.3) for the RSA PKCS#1 v1.5
  // schemes, which TLS 1.3 does not sign with.
  kSign,
  // DecryptPreMaster of a well-formed TLS 1.2 EncryptedPreMasterSecret.
  kDecryptPreMaster,
  // RsaKeyExchange: the same, then the extended master secret (RFC 7627)
  // and a 40-byte key block (AES-128-GCM, RFC 5246 §6.3).
  kRsaKeyExchange,
};

// DevKey: one key of the development keystore (scripts/gen-dev-keystore)
// and what the benchmark does with it.
struct DevKey {
  // Key name in the manifest, and file stem under keys/: "rsa-2048", ...
  std::string name;
  v1::KeyAlgorithm algorithm = v1::KEY_ALGORITHM_UNSPECIFIED;
  // Modulus bits for RSA; 0 otherwise.
  int rsa_bits = 0;
  // The scheme a TLS 1.3 server signs with for this key: RSA-PSS-RSAE with
  // SHA-256 for RSA, the curve's ECDSA scheme, Ed25519. A sign operation's
  // scheme unless it names another.
  v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED;
  // The SNI name its certificate covers ("<name>.dev.keyward.test"), by
  // which requests select it.
  std::string host_name;
};

// OperationSpec: an operation on a key, written "<operation>:<key>", e.g.
// "sign:ecdsa-p256", "decrypt-pre-master:rsa-2048",
// "rsa-key-exchange:rsa-2048", and for a signature in another scheme than
// the key's TLS 1.3 one "sign:<key>:<scheme>" with the scheme's TLS name,
// e.g. "sign:rsa-2048:rsa_pkcs1_sha384".
struct OperationSpec {
  OperationKind kind = OperationKind::kSign;
  DevKey key;
  // What a sign operation signs with (key.scheme unless named); UNSPECIFIED
  // for the key exchanges.
  v1::SignatureScheme scheme = v1::SIGNATURE_SCHEME_UNSPECIFIED;

  // Name is the written form, with the scheme only when it is not the
  // key's TLS 1.3 one.
  std::string Name() const;
};

// SchemeName is the TLS name of `scheme`, e.g. "rsa_pss_rsae_sha256".
std::string SchemeName(v1::SignatureScheme scheme);

// SignsTls12ServerKeyExchange is whether a sign operation with `scheme`
// signs a TLS 1.2 ServerKeyExchange (the RSA PKCS#1 v1.5 schemes) rather
// than a TLS 1.3 CertificateVerify (every other scheme).
bool SignsTls12ServerKeyExchange(v1::SignatureScheme scheme);

// ParseOperationSpec parses the written form. InvalidArgument, listing
// what is accepted, for an unknown operation, key or scheme, a scheme the
// key cannot sign with (RSA: rsa_pkcs1_sha256/384/512 and
// rsa_pss_rsae_sha256/384/512; each other key: its own scheme), a scheme on
// a key exchange, and a key exchange with a non-RSA key.
absl::StatusOr<OperationSpec> ParseOperationSpec(absl::string_view text);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_OPERATION_SPEC_H_
