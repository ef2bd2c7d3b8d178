#ifndef KEYWARD_BENCH_WORKLOAD_H_
#define KEYWARD_BENCH_WORKLOAD_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/operation_spec.h"
#include "keyward/v1/key_service.pb.h"

namespace keyward::bench {

// Length of the key block RsaKeyExchange requests ask for: AES-128-GCM's
// two 16-byte keys and two 4-byte implicit IVs (RFC 5288 §3).
inline constexpr int kKeyBlockLength = 40;

// Workload: the requests of one benchmark operation, a few distinct ones
// (fresh random transcript hashes, randoms and pre-master secrets) that the
// load generator cycles through. Immutable; safe to share between threads.
class Workload {
 public:
  // Create builds `count` requests for `spec` against the keystore made by
  // scripts/gen-dev-keystore in `keystore_dir`. Keys are selected by their
  // SNI name. The RSA key exchange encrypts its pre-master secrets to the
  // public key of keys/<name>.crt (PKCS#1 v1.5, TLS 1.2 client_version).
  // NotFound/Internal when the certificate cannot be read or used.
  static absl::StatusOr<Workload> Create(const OperationSpec& spec,
                                         const std::string& keystore_dir,
                                         int count = 16);

  const OperationSpec& spec() const { return spec_; }
  size_t size() const { return requests_.size(); }
  // Request `i` (0 <= i < size()), with request_id unset.
  const v1::PipelineRequest& Request(size_t i) const { return requests_[i]; }

 private:
  Workload(OperationSpec spec, std::vector<v1::PipelineRequest> requests)
      : spec_(std::move(spec)), requests_(std::move(requests)) {}

  OperationSpec spec_;
  std::vector<v1::PipelineRequest> requests_;
};

// X25519ServerParams: a TLS 1.2 ServerECDHParams for X25519 (RFC 8422
// §5.4) with a random public value, as the PKCS#1 v1.5 sign requests carry.
std::string X25519ServerParams();

// CheckResponse: OK when a successful response has the shape the request
// asked for (a signature; a 48-byte pre-master; a 48-byte master secret and
// a kKeyBlockLength key block); Internal describing the mismatch otherwise.
absl::Status CheckResponse(const v1::SignResponse& response);
absl::Status CheckResponse(const v1::DecryptPreMasterResponse& response);
absl::Status CheckResponse(const v1::RsaKeyExchangeResponse& response);
// The Pipeline form checks the response's own status first, then its
// result as above.
absl::Status CheckResponse(const v1::PipelineResponse& response);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_WORKLOAD_H_
