// Fuzzes the ServerECDHParams shape check and the TLS 1.2 ServerKeyExchange
// input builder (handshake/tls_signed_content.h) with untrusted bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "handshake/tls_signed_content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string params(reinterpret_cast<const char*>(data), size);
  absl::Status shape = keyward::handshake::CheckServerEcdhParams(params);
  absl::StatusOr<std::string> input =
      keyward::handshake::BuildTls12ServerKeyExchangeInput(
          std::string(32, 'c'), std::string(32, 's'), params);
  // The builder must accept exactly what the check accepts, and then sign
  // randoms || params.
  if (shape.ok() != input.ok()) __builtin_trap();
  if (input.ok() && input->size() != 64 + size) __builtin_trap();
  return 0;
}
