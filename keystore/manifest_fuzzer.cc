// Fuzzes the keystore manifest parser and validator (keystore/manifest.h):
// any bytes must give either entries that satisfy the documented rules or
// an InvalidArgument naming the file, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "keystore/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<keyward::keystore::KeySpec>> specs =
      keyward::keystore::ParseManifest(text, "fuzz.textproto");
  if (!specs.ok()) {
    if (specs.status().code() != absl::StatusCode::kInvalidArgument ||
        !absl::StartsWith(specs.status().message(), "fuzz.textproto")) {
      __builtin_trap();
    }
    return 0;
  }
  for (const keyward::keystore::KeySpec& spec : *specs) {
    if (spec.config.name().empty() || spec.version == 0) __builtin_trap();
    if (spec.current != (spec.usable_until == absl::InfiniteFuture())) {
      __builtin_trap();
    }
  }
  return 0;
}
