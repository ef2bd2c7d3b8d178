#ifndef KEYWARD_KEYSTORE_INTERNAL_PKCS1_PRE_MASTER_H_
#define KEYWARD_KEYSTORE_INTERNAL_PKCS1_PRE_MASTER_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace keyward::keystore::internal {

// Length of a TLS pre-master secret (RFC 5246 §7.4.7.1).
inline constexpr size_t kPreMasterLength = 48;

// Pkcs1PreMasterMask returns a mask (see constant_time.h) that is all ones
// iff `em`, a k-byte raw RSA decryption, is a valid PKCS #1 v1.5 type 2
// encoding (RFC 8017 §7.2.2) of exactly kPreMasterLength bytes whose first
// two bytes are `client_version`, big-endian (RFC 5246 §7.4.7.1). Constant
// time in the contents of `em` (its length and `client_version` are public);
// the mask is as secret as `em`.
size_t Pkcs1PreMasterMask(absl::Span<const uint8_t> em,
                          uint16_t client_version);

// SelectPkcs1PreMaster writes to `out` the pre-master secret carried in `em`
// when Pkcs1PreMasterMask(em, client_version) is true and `synthetic`
// otherwise, in constant time: the RFC 5246 §7.4.7.1 countermeasure, which
// continues with a substitute pre-master instead of reporting the failure.
// `synthetic` and `out` must be kPreMasterLength bytes (a broken internal
// invariant otherwise: the process aborts). Reads only.
void SelectPkcs1PreMaster(absl::Span<const uint8_t> em, uint16_t client_version,
                          absl::Span<const uint8_t> synthetic,
                          absl::Span<uint8_t> out);

}  // namespace keyward::keystore::internal

#endif  // KEYWARD_KEYSTORE_INTERNAL_PKCS1_PRE_MASTER_H_
