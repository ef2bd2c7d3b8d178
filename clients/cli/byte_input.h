#ifndef KEYWARD_CLIENTS_CLI_BYTE_INPUT_H_
#define KEYWARD_CLIENTS_CLI_BYTE_INPUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::cli {

// ParseBytes reads a byte-string argument: "hex:0a1b..." or plain hex,
// "base64:..." (standard or URL-safe alphabet), or "@path" (the file's
// raw bytes; "@-" is standard input). InvalidArgument naming `flag` for bad
// hex or base64; NotFound for an unreadable file.
absl::StatusOr<std::string> ParseBytes(absl::string_view flag,
                                       absl::string_view value);

// OutputFormat: how FormatBytes writes bytes.
enum class OutputFormat { kHex, kBase64, kRaw };

// ParseOutputFormat accepts "hex", "base64" and "raw".
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name);

// FormatBytes renders `bytes` (raw: unchanged).
std::string FormatBytes(absl::string_view bytes, OutputFormat format);

}  // namespace keyward::cli

#endif  // KEYWARD_CLIENTS_CLI_BYTE_INPUT_H_
