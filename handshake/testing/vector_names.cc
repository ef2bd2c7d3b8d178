#include "handshake/testing/vector_names.h"

namespace keyward::handshake::test {

std::optional<HashAlgorithm> HashFromVectorName(absl::string_view name) {
  if (name == "SHA-256" || name == "SHA2-256") return HashAlgorithm::kSha256;
  if (name == "SHA-384" || name == "SHA2-384") return HashAlgorithm::kSha384;
  if (name == "SHA-512" || name == "SHA2-512") return HashAlgorithm::kSha512;
  return std::nullopt;
}

}  // namespace keyward::handshake::test
