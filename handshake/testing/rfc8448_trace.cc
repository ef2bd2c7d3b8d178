#include "handshake/testing/rfc8448_trace.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/hash_algorithm.h"
#include "tests/vectors/vector_files.h"

namespace keyward::handshake::test {

absl::StatusOr<std::vector<uint8_t>> Rfc8448TranscriptHash(
    const nlohmann::json& trace, absl::string_view last) {
  if (!trace.contains("messages")) {
    return absl::InvalidArgumentError("trace has no messages");
  }
  std::vector<uint8_t> messages;
  for (const char* name :
       {"ClientHello", "ServerHello", "EncryptedExtensions", "Certificate",
        "CertificateVerify", "ServerFinished", "ClientFinished"}) {
    absl::StatusOr<std::vector<uint8_t>> message =
        vectors::HexField(trace["messages"], name);
    if (!message.ok()) return message.status();
    messages.insert(messages.end(), message->begin(), message->end());
    if (name == last) return ComputeHash(HashAlgorithm::kSha256, messages);
  }
  return absl::InvalidArgumentError(absl::StrCat("no message ", last));
}

absl::StatusOr<std::vector<uint8_t>> Rfc8448TicketNonce(
    const nlohmann::json& trace) {
  if (!trace.contains("messages")) {
    return absl::InvalidArgumentError("trace has no messages");
  }
  absl::StatusOr<std::vector<uint8_t>> ticket =
      vectors::HexField(trace["messages"], "NewSessionTicket");
  if (!ticket.ok()) return ticket.status();
  // type (1), length (3), ticket_lifetime (4), ticket_age_add (4), then
  // opaque ticket_nonce<0..255>.
  constexpr size_t kNonceLengthOffset = 1 + 3 + 4 + 4;
  if (ticket->size() <= kNonceLengthOffset ||
      ticket->size() <= kNonceLengthOffset + (*ticket)[kNonceLengthOffset]) {
    return absl::InvalidArgumentError("NewSessionTicket too short");
  }
  const auto nonce = ticket->begin() + kNonceLengthOffset + 1;
  return std::vector<uint8_t>(nonce, nonce + (*ticket)[kNonceLengthOffset]);
}

}  // namespace keyward::handshake::test
