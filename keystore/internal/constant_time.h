#ifndef KEYWARD_KEYSTORE_INTERNAL_CONSTANT_TIME_H_
#define KEYWARD_KEYSTORE_INTERNAL_CONSTANT_TIME_H_

// Constant-time building blocks for code that handles secret bytes (the
// decrypted RSA block of the TLS 1.2 key exchange).
//
// A *mask* is a size_t that is all ones (true) or zero (false). The functions
// here compute masks and select with them using only arithmetic and bitwise
// operations: no branch and no memory index depends on their arguments'
// values (array lengths are public). tests/ctgrind checks this with
// Valgrind on the code built as the tests and as `-c opt` build it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/types/span.h"

namespace keyward::keystore::internal {

// CtValueBarrier returns `x` unchanged, but hides its value from the
// optimiser, which could otherwise recognise a mask computation as a
// comparison and compile a select into a branch.
inline size_t CtValueBarrier(size_t x) {
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(x));
#endif
  return x;
}

// CtMsbMask returns a mask that is true iff the most significant bit of `x`
// is set.
inline size_t CtMsbMask(size_t x) {
  return CtValueBarrier(size_t{0} - (x >> (sizeof(size_t) * 8 - 1)));
}

// CtIsZeroMask returns a mask that is true iff `x` is 0: only for x = 0 does
// ~x & (x - 1) have its top bit set.
inline size_t CtIsZeroMask(size_t x) { return CtMsbMask(~x & (x - 1)); }

// CtEqMask returns a mask that is true iff `a` == `b`.
inline size_t CtEqMask(size_t a, size_t b) { return CtIsZeroMask(a ^ b); }

// CtLtMask returns a mask that is true iff `a` < `b` (unsigned). When the top
// bits of a and b differ, a < b iff b's top bit is set; when they agree,
// a - b cannot wrap past the top bit and its top bit is the borrow.
inline size_t CtLtMask(size_t a, size_t b) {
  return CtMsbMask(a ^ ((a ^ b) | ((a - b) ^ a)));
}

// CtGeMask returns a mask that is true iff `a` >= `b` (unsigned).
inline size_t CtGeMask(size_t a, size_t b) { return ~CtLtMask(a, b); }

// CtSelect returns `a` when `mask` is true and `b` when it is false.
inline size_t CtSelect(size_t mask, size_t a, size_t b) {
  return (CtValueBarrier(mask) & a) | (CtValueBarrier(~mask) & b);
}

// CtSelectBytes sets out[i] = mask ? a[i] : b[i] for every i. `a`, `b` and
// `out` must have the same length; a caller passing different lengths has
// broken an internal invariant and the process aborts (lengths are public).
inline void CtSelectBytes(size_t mask, absl::Span<const uint8_t> a,
                          absl::Span<const uint8_t> b,
                          absl::Span<uint8_t> out) {
  if (a.size() != out.size() || b.size() != out.size()) std::abort();
  const uint8_t byte_mask = static_cast<uint8_t>(CtValueBarrier(mask));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>((byte_mask & a[i]) | (~byte_mask & b[i]));
  }
}

}  // namespace keyward::keystore::internal

#endif  // KEYWARD_KEYSTORE_INTERNAL_CONSTANT_TIME_H_
