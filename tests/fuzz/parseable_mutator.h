#ifndef KEYWARD_TESTS_FUZZ_PARSEABLE_MUTATOR_H_
#define KEYWARD_TESTS_FUZZ_PARSEABLE_MUTATOR_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/fuzz/parse_input.h"

// Only under --config=fuzz: libFuzzer provides LLVMFuzzerMutate.
#ifdef KEYWARD_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace keyward::fuzz {

// kMutationAttempts bounds MutateParseable's retries.
inline constexpr int kMutationAttempts = 16;

// MutateParseable is a LLVMFuzzerCustomMutator body for a fuzzer whose input
// is a serialized `Message`: it runs libFuzzer's own byte mutations on
// `data` and retries, from the original bytes, until the result parses
// (ParseInput). Most byte mutations break the wire format or the UTF-8 of
// a string field, and an input that does not parse tests nothing past the
// parser; after kMutationAttempts failures the last result is kept anyway.
// Returns the new size, as LLVMFuzzerCustomMutator does.
template <typename Message>
size_t MutateParseable(uint8_t* data, size_t size, size_t max_size) {
  const std::vector<uint8_t> original(data, data + size);
  size_t mutated_size = size;
  for (int attempt = 0; attempt < kMutationAttempts; ++attempt) {
    std::copy(original.begin(), original.end(), data);
    mutated_size = LLVMFuzzerMutate(data, original.size(), max_size);
    Message message;
    if (ParseInput(absl::string_view(reinterpret_cast<const char*>(data),
                                     mutated_size),
                   &message)) {
      break;
    }
  }
  return mutated_size;
}

}  // namespace keyward::fuzz

#endif  // KEYWARD_LIBFUZZER

#endif  // KEYWARD_TESTS_FUZZ_PARSEABLE_MUTATOR_H_
