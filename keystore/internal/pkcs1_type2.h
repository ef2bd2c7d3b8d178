#ifndef KEYWARD_KEYSTORE_INTERNAL_PKCS1_TYPE2_H_
#define KEYWARD_KEYSTORE_INTERNAL_PKCS1_TYPE2_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace keyward::keystore::internal {

// PKCS #1 v1.5 encryption padding (RSAES-PKCS1-v1_5, RFC 8017 §7.2.1):
//   EM = 0x00 || 0x02 || PS || 0x00 || M, with PS at least 8 nonzero bytes.
inline constexpr size_t kPkcs1Type2MinPaddingLength = 8;
// kPkcs1Type2Overhead: the bytes of EM that are not M, at the least
// (RFC 8017 §7.2.1 step 1: mLen <= k - 11).
inline constexpr size_t kPkcs1Type2Overhead = 3 + kPkcs1Type2MinPaddingLength;

// Pkcs1Type2Decoding is the secret result of DecodePkcs1Type2.
struct Pkcs1Type2Decoding {
  // good is a mask (see constant_time.h): all ones iff EM is a valid
  // encoding.
  size_t good;
  // message_offset is the index in EM of M's first byte (M is
  // EM[message_offset, k), possibly empty) when `good`; otherwise some value
  // no greater than k. Secret: it reveals the padding length.
  size_t message_offset;
};

// DecodePkcs1Type2 checks the encoded message `em` (the k-byte output of
// the raw RSA private operation, RFC 8017 §7.2.2 step 3) and locates M. No
// branch and no memory index depends on the contents of `em`, only on its
// length (the modulus length, public), so the result may be computed for an
// attacker's ciphertext. The result is as secret as `em`: a caller that
// must stay constant time combines `good` with masks and never branches on
// it nor indexes with `message_offset` (RFC 8017 §7.2.2 note: an attacker
// must not learn which check failed, nor whether one did). An `em` shorter
// than kPkcs1Type2Overhead is never a valid encoding.
Pkcs1Type2Decoding DecodePkcs1Type2(absl::Span<const uint8_t> em);

}  // namespace keyward::keystore::internal

#endif  // KEYWARD_KEYSTORE_INTERNAL_PKCS1_TYPE2_H_
