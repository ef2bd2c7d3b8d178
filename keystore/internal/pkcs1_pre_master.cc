#include "keystore/internal/pkcs1_pre_master.h"

#include <algorithm>
#include <cstdlib>

#include "keystore/internal/constant_time.h"
#include "keystore/internal/pkcs1_type2.h"

namespace keyward::keystore::internal {

size_t Pkcs1PreMasterMask(absl::Span<const uint8_t> em,
                          uint16_t client_version) {
  // A modulus too short to carry a pre-master never does (public length).
  if (em.size() < kPkcs1Type2Overhead + kPreMasterLength) return 0;

  const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
  // M must be the last 48 bytes, so its first byte sits at a public index
  // and the version check reads fixed positions.
  const size_t start = em.size() - kPreMasterLength;
  size_t good = decoding.good & CtEqMask(decoding.message_offset, start);
  good &= CtEqMask(em[start], client_version >> 8);
  good &= CtEqMask(em[start + 1], client_version & 0xff);
  return good;
}

void SelectPkcs1PreMaster(absl::Span<const uint8_t> em, uint16_t client_version,
                          absl::Span<const uint8_t> synthetic,
                          absl::Span<uint8_t> out) {
  if (synthetic.size() != kPreMasterLength || out.size() != kPreMasterLength) {
    std::abort();
  }
  if (em.size() < kPkcs1Type2Overhead + kPreMasterLength) {
    std::copy(synthetic.begin(), synthetic.end(), out.begin());
    return;
  }
  CtSelectBytes(Pkcs1PreMasterMask(em, client_version),
                em.subspan(em.size() - kPreMasterLength), synthetic, out);
}

}  // namespace keyward::keystore::internal
