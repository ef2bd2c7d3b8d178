#ifndef KEYWARD_KEYSTORE_EVP_SIGNER_H_
#define KEYWARD_KEYSTORE_EVP_SIGNER_H_

#include <openssl/evp.h>

#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "keystore/openssl_ptr.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

// EvpSigner signs digests with one key (NewSignContext, SignWithContext),
// keeping the prepared OpenSSL contexts (one per scheme and concurrent signer)
// for reuse: setting a context up (fetching the algorithm from the provider,
// initialising, setting the scheme's parameters) costs about as much as an
// ECDSA signature itself. A context is used by one thread at a time and
// returned after each signature; one that failed is dropped. At most
// kMaxIdlePerScheme idle contexts are kept per scheme. Thread-safe.
class EvpSigner {
 public:
  static constexpr size_t kMaxIdlePerScheme = 16;

  // `key` is not owned and must outlive the signer (the contexts hold
  // references of their own).
  explicit EvpSigner(EVP_PKEY* key) : key_(key) {}
  EvpSigner(const EvpSigner&) = delete;
  EvpSigner& operator=(const EvpSigner&) = delete;

  // SignDigest signs `digest` for `scheme` as NewSignContext describes;
  // its preconditions apply.
  absl::StatusOr<std::string> SignDigest(v1::SignatureScheme scheme,
                                         absl::string_view digest) const;

 private:
  EVP_PKEY* const key_;
  // Guards idle_. (A plain std::mutex: libstdc++'s carries no
  // thread-safety annotations for clang's analysis to check.)
  mutable std::mutex mu_;
  // Idle contexts by scheme.
  mutable absl::flat_hash_map<int, std::vector<EvpPkeyCtxPtr>> idle_;
};

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_EVP_SIGNER_H_
