#ifndef KEYWARD_SERVICE_BYTES_H_
#define KEYWARD_SERVICE_BYTES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "handshake/secret_bytes.h"

// Conversions between protobuf `bytes` fields (std::string) and the byte
// spans and SecretBytes of //handshake and //keystore.
namespace keyward::service {

// AsBytes views `bytes` (not copied; it must outlive the span).
inline absl::Span<const uint8_t> AsBytes(absl::string_view bytes) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
}

// SetBytes copies `secret` into the protobuf field `*out`. The copy is the
// one the response is serialized from; see secret_cleansing.h for how it is
// wiped afterwards.
inline void SetBytes(const handshake::SecretBytes& secret, std::string* out) {
  out->assign(reinterpret_cast<const char*>(secret.data()), secret.size());
}

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_BYTES_H_
