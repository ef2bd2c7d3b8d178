#ifndef KEYWARD_BENCH_RAW_CRYPTO_H_
#define KEYWARD_BENCH_RAW_CRYPTO_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/operation_spec.h"

namespace keyward::bench {

// RawResult: what in-process OpenSSL did in one measurement.
struct RawResult {
  uint64_t ops = 0;
  absl::Duration wall;
  // CPU time of this whole process over `wall` (the load generator's other
  // threads are idle meanwhile).
  absl::Duration cpu;
  // CPU time of every other process on the machine over `wall` (busy time
  // of all cores minus `cpu`).
  absl::Duration other_cpu;

  double OpsPerSecond() const;
  double CpuMicrosPerOp() const;
  // Cores' worth of CPU that other processes used meanwhile.
  double OtherCores() const;
};

// RawCrypto is the baseline the service is compared with: the cryptography
// of an OperationSpec done directly with OpenSSL in this process, on a key
// of the same type and size generated here (the dev keystore's private keys
// are the service's to read), with each thread's OpenSSL context prepared
// once, as `openssl speed` does:
//   sign (RSA, ECDSA): EVP_Digest of the 130-byte TLS 1.3 CertificateVerify
//     content (for the PKCS#1 v1.5 schemes the 100-byte TLS 1.2
//     ServerKeyExchange content), then EVP_PKEY_sign with the spec's scheme
//     (no verification);
//   sign (Ed25519): EVP_DigestSign of the same content;
//   decrypt-pre-master: the raw RSA private operation (RSA_NO_PADDING) on a
//     PKCS#1 v1.5 ciphertext;
//   rsa-key-exchange: that, then the TLS 1.2 extended master secret and a
//     40-byte key block with OpenSSL's TLS1-PRF.
// Safe to Measure from one thread at a time.
class RawCrypto {
 public:
  // Create generates the key and inputs. Internal when OpenSSL fails.
  static absl::StatusOr<std::unique_ptr<RawCrypto>> Create(
      const OperationSpec& spec);

  RawCrypto(const RawCrypto&) = delete;
  RawCrypto& operator=(const RawCrypto&) = delete;

  // Runner: one thread's prepared OpenSSL contexts. Not thread-safe: one
  // per thread. Must not outlive its RawCrypto.
  class Runner {
   public:
    virtual ~Runner() = default;
    // Run does the operation once. Internal naming the OpenSSL call that
    // failed.
    virtual absl::Status Run() = 0;
  };

  // NewRunner prepares a Runner. Internal when OpenSSL fails.
  absl::StatusOr<std::unique_ptr<Runner>> NewRunner() const;

  // Measure runs the operation on `threads` threads (a Runner each), each
  // as fast as it can, for 100 ms of warm-up and then `duration`, which is
  // measured. Internal (naming the OpenSSL call) when an operation fails.
  absl::StatusOr<RawResult> Measure(int threads, absl::Duration duration) const;

 private:
  class OpenSslRunner;

  using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

  RawCrypto(OperationSpec spec, EvpPkeyPtr key,
            std::vector<std::string> ciphertexts);

  const OperationSpec spec_;
  const EvpPkeyPtr key_;
  // PKCS#1 v1.5 encrypted pre-master secrets (key exchange specs only).
  const std::vector<std::string> ciphertexts_;
};

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_RAW_CRYPTO_H_
