#ifndef KEYWARD_HANDSHAKE_TESTING_VECTOR_NAMES_H_
#define KEYWARD_HANDSHAKE_TESTING_VECTOR_NAMES_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "handshake/hash_algorithm.h"

namespace keyward::handshake::test {

// HashFromVectorName maps the hash names used by the vector files
// ("SHA-256" in RFC extracts, "SHA2-256" in ACVP) to a HashAlgorithm, or
// nullopt for a hash we do not implement (SHA-1, SHA-224, ...).
std::optional<HashAlgorithm> HashFromVectorName(absl::string_view name);

}  // namespace keyward::handshake::test

#endif  // KEYWARD_HANDSHAKE_TESTING_VECTOR_NAMES_H_
