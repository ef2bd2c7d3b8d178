// Fuzzes ListKeys: the input is a keyward.v1.ListKeysRequest, run for
// every caller of the fuzz keystore (FuzzKeystore). Invariants:
//  - a request ValidateListKeysRequest refuses gets exactly that status,
//    an INVALID_ARGUMENT naming server_name with a printable message;
//  - any other request succeeds and lists exactly the keys of the
//    caller's unfiltered list whose certificate covers server_name
//    (CoversHost, the fuzzers' own matching), in the same order;
//  - every listed key is one the caller may use; a stranger sees none.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "keyward/v1/key_service.pb.h"
#include "service/operations.h"
#include "service/request_validation.h"
#include "tests/fuzz/fuzz_keystore.h"
#include "tests/fuzz/invariant.h"
#include "tests/fuzz/parse_input.h"
#include "tests/fuzz/parseable_mutator.h"

namespace keyward::fuzz {
namespace {

// UnfilteredLists holds ListKeys without server_name for each caller.
struct UnfilteredLists {
  std::vector<v1::ListKeysResponse> by_caller;
};

const UnfilteredLists& Unfiltered() {
  static const UnfilteredLists* const lists = [] {
    const FuzzKeystore& keystore = FuzzKeystore::Get();
    auto* out = new UnfilteredLists();
    for (uint64_t caller = 0; caller < FuzzKeystore::kCallerCount; ++caller) {
      absl::StatusOr<v1::ListKeysResponse> list =
          service::RunListKeys(v1::ListKeysRequest(), keystore.Context(caller));
      KEYWARD_FUZZ_REQUIRE(list.ok());
      out->by_caller.push_back(*std::move(list));
    }
    // edge/a may use every key (the PREVIOUS one included).
    KEYWARD_FUZZ_REQUIRE(static_cast<size_t>(out->by_caller[0].keys_size()) ==
                         keystore.keystore().keys().size());
    KEYWARD_FUZZ_REQUIRE(out->by_caller[FuzzKeystore::kStranger].keys_size() ==
                         0);
    return out;
  }();
  return *lists;
}

void Run(absl::string_view input) {
  v1::ListKeysRequest request;
  if (!ParseInput(input, &request)) return;
  const FuzzKeystore& keystore = FuzzKeystore::Get();
  const absl::Status valid = service::ValidateListKeysRequest(request);
  if (!valid.ok()) RequireInvalidField(valid, {"server_name"});
  const std::string host = absl::AsciiStrToLower(request.server_name());

  for (uint64_t caller = 0; caller < FuzzKeystore::kCallerCount; ++caller) {
    absl::StatusOr<v1::ListKeysResponse> listed =
        service::RunListKeys(request, keystore.Context(caller));
    if (!valid.ok()) {
      KEYWARD_FUZZ_REQUIRE(listed.status() == valid);
      continue;
    }
    KEYWARD_FUZZ_REQUIRE(listed.ok());
    std::vector<const v1::KeyInfo*> expected;
    for (const v1::KeyInfo& key : Unfiltered().by_caller[caller].keys()) {
      if (host.empty() || CoversHost(key, host)) expected.push_back(&key);
    }
    KEYWARD_FUZZ_REQUIRE(static_cast<size_t>(listed->keys_size()) ==
                         expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const v1::KeyInfo& key = listed->keys(static_cast<int>(i));
      KEYWARD_FUZZ_REQUIRE(key.allowed_operations_size() > 0);
      KEYWARD_FUZZ_REQUIRE(key.SerializeAsString() ==
                           expected[i]->SerializeAsString());
    }
  }
}

}  // namespace
}  // namespace keyward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keyward::fuzz::Run(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

#ifdef KEYWARD_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size,
                                          size_t max_size,
                                          unsigned int /*seed*/) {
  return keyward::fuzz::MutateParseable<keyward::v1::ListKeysRequest>(
      data, size, max_size);
}
#endif
