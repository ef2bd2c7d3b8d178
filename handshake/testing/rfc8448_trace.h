#ifndef KEYWARD_HANDSHAKE_TESTING_RFC8448_TRACE_H_
#define KEYWARD_HANDSHAKE_TESTING_RFC8448_TRACE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_tally.h"

// Helpers for tests over rfc/rfc8448_section3_1rtt.json, the RFC 8448 §3
// (simple 1-RTT, TLS_AES_128_GCM_SHA256) trace.
namespace keyward::handshake::test {

inline constexpr char kRfc8448Section3File[] = "rfc/rfc8448_section3_1rtt.json";

// Rfc8448TranscriptHash returns SHA-256(ClientHello || ... || `last`) over
// the trace's handshake messages, in handshake order; `last` is a key of
// "messages" such as "ServerHello". InvalidArgument for an unknown `last`.
absl::StatusOr<std::vector<uint8_t>> Rfc8448TranscriptHash(
    const nlohmann::json& trace, absl::string_view last);

// Rfc8448TicketNonce returns the ticket_nonce of the trace's
// NewSessionTicket (RFC 8446 §4.6.1).
absl::StatusOr<std::vector<uint8_t>> Rfc8448TicketNonce(
    const nlohmann::json& trace);

// CheckTraceValue records in `tally` whether `actual`, a StatusOr of a byte
// container, is OK and equals the hex value at `path` in the trace, e.g.
// "keySchedule/earlySecret".
template <typename Bytes>
void CheckTraceValue(vectors::VectorTally& tally, const nlohmann::json& trace,
                     const std::string& path,
                     const absl::StatusOr<Bytes>& actual) {
  const nlohmann::json::json_pointer pointer("/" + path);
  if (!actual.ok()) {
    tally.Record(path, ::testing::AssertionFailure() << actual.status());
  } else if (!trace.contains(pointer) || !trace[pointer].is_string()) {
    tally.Record(path, ::testing::AssertionFailure() << "missing in trace");
  } else {
    tally.Record(path, vectors::MatchesHex(path, *actual,
                                           trace[pointer].get<std::string>()));
  }
}

}  // namespace keyward::handshake::test

#endif  // KEYWARD_HANDSHAKE_TESTING_RFC8448_TRACE_H_
