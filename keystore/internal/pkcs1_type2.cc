#include "keystore/internal/pkcs1_type2.h"

#include "keystore/internal/constant_time.h"

namespace keyward::keystore::internal {

Pkcs1Type2Decoding DecodePkcs1Type2(absl::Span<const uint8_t> em) {
  if (em.size() < kPkcs1Type2Overhead) return {0, em.size()};

  // RFC 8017 §7.2.2 step 3: EM = 0x00 || 0x02 || PS || 0x00 || M.
  size_t good = CtEqMask(em[0], 0x00) & CtEqMask(em[1], 0x02);

  // The separator is the first zero byte after the block type. Every byte is
  // visited, whatever was found before it.
  size_t looking = ~size_t{0};
  size_t separator = 0;
  for (size_t i = 2; i < em.size(); ++i) {
    const size_t is_zero = CtIsZeroMask(em[i]);
    separator = CtSelect(looking & is_zero, i, separator);
    looking &= ~is_zero;
  }
  good &= ~looking;

  // PS = EM[2, separator) must hold at least 8 bytes.
  good &= CtGeMask(separator, 2 + kPkcs1Type2MinPaddingLength);
  return {good, separator + 1};
}

}  // namespace keyward::keystore::internal
