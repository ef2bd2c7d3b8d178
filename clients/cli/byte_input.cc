#include "clients/cli/byte_input.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace keyward::cli {
namespace {

bool IsHex(absl::string_view text) {
  if (text.size() % 2 != 0) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> ParseBytes(absl::string_view flag,
                                       absl::string_view value) {
  if (absl::ConsumePrefix(&value, "@")) {
    std::string contents;
    if (value == "-") {
      contents.assign(std::istreambuf_iterator<char>(std::cin),
                      std::istreambuf_iterator<char>());
      return contents;
    }
    std::ifstream in(std::string(value), std::ios::binary);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("--", flag, ": cannot read ", value));
    }
    contents.assign(std::istreambuf_iterator<char>(in),
                    std::istreambuf_iterator<char>());
    return contents;
  }
  if (absl::ConsumePrefix(&value, "base64:")) {
    std::string out;
    if (absl::Base64Unescape(value, &out) ||
        absl::WebSafeBase64Unescape(value, &out)) {
      return out;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": not valid base64"));
  }
  absl::ConsumePrefix(&value, "hex:");
  if (!IsHex(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected hex (or base64:..., @file)"));
  }
  return absl::HexStringToBytes(value);
}

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view name) {
  if (name == "hex") return OutputFormat::kHex;
  if (name == "base64") return OutputFormat::kBase64;
  if (name == "raw") return OutputFormat::kRaw;
  return absl::InvalidArgumentError(
      absl::StrCat("--format: \"", name, "\" is not hex, base64 or raw"));
}

std::string FormatBytes(absl::string_view bytes, OutputFormat format) {
  switch (format) {
    case OutputFormat::kHex:
      return absl::BytesToHexString(bytes);
    case OutputFormat::kBase64:
      return absl::Base64Escape(bytes);
    case OutputFormat::kRaw:
      return std::string(bytes);
  }
  return std::string(bytes);
}

}  // namespace keyward::cli
