#ifndef KEYWARD_CLIENTS_CLI_COMMANDS_H_
#define KEYWARD_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "clients/cpp/keyward_client.h"

namespace keyward::cli {

// Command: one `keyward` subcommand. Run prints its result on stdout and
// returns the status of the call (or of reading its flags).
struct Command {
  const char* name;
  const char* summary;
  const char* help;  // Flags and an example.
  absl::Status (*run)(client::KeywardClient& client);
};

// MarkUsageError tags `status` as a local mistake in the command line
// (exit code 2) rather than an answer of the service; IsUsageError reads
// the tag.
absl::Status MarkUsageError(absl::Status status);
bool IsUsageError(const absl::Status& status);
inline constexpr absl::string_view kUsagePayload = "keyward.cli/usage";

// Commands lists every subcommand, in help order.
const std::vector<Command>& Commands();

// FindCommand returns the command called `name`, or nullptr.
const Command* FindCommand(absl::string_view name);

}  // namespace keyward::cli

#endif  // KEYWARD_CLIENTS_CLI_COMMANDS_H_
