#ifndef KEYWARD_TESTS_FUZZ_PARSE_INPUT_H_
#define KEYWARD_TESTS_FUZZ_PARSE_INPUT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"

namespace keyward::fuzz {

// ParseInput parses a fuzzer input into `out` as the gRPC server would
// (binary wire format; invalid UTF-8 in a string field fails the parse) and
// returns whether it parsed. Protobuf's log is silenced meanwhile: it would
// write a line for every such failure, and most fuzzer inputs fail.
template <typename Message>
bool ParseInput(absl::string_view input, Message* out) {
  google::protobuf::LogSilencer silence;
  return out->ParseFromString(std::string(input));
}

}  // namespace keyward::fuzz

#endif  // KEYWARD_TESTS_FUZZ_PARSE_INPUT_H_
