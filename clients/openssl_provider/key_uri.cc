#include "clients/openssl_provider/key_uri.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace keyward::provider {
namespace {

// kSha256HexLength: a SHA-256 digest in hex.
constexpr size_t kSha256HexLength = 64;

// ParseSha256Hex checks that `hex` is a SHA-256 digest in hex and returns
// it in lowercase.
absl::StatusOr<std::string> ParseSha256Hex(absl::string_view field,
                                           absl::string_view hex) {
  if (hex.size() != kSha256HexLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("key URI: ", field, " must be 64 hex digits"));
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("key URI: ", field, " must be 64 hex digits"));
    }
  }
  return absl::AsciiStrToLower(hex);
}

}  // namespace

absl::StatusOr<v1::KeySelector> ParseKeyUri(absl::string_view uri) {
  const std::string prefix = absl::StrCat(kKeyUriScheme, ":");
  if (!absl::StartsWithIgnoreCase(uri, prefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("key URI: must start with \"", prefix, "\""));
  }
  const absl::string_view selector = uri.substr(prefix.size());
  const size_t equals = selector.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "key URI: expected id=, host= or cert-sha256= after the scheme");
  }
  const absl::string_view field = selector.substr(0, equals);
  const absl::string_view value = selector.substr(equals + 1);
  v1::KeySelector out;
  if (field == "id") {
    absl::StatusOr<std::string> id = ParseSha256Hex(field, value);
    if (!id.ok()) return id.status();
    out.set_key_id(*id);
  } else if (field == "host") {
    if (value.empty()) {
      return absl::InvalidArgumentError("key URI: host is empty");
    }
    out.set_server_name(std::string(value));
  } else if (field == "cert-sha256") {
    absl::StatusOr<std::string> hex = ParseSha256Hex(field, value);
    if (!hex.ok()) return hex.status();
    out.set_certificate_sha256(absl::HexStringToBytes(*hex));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("key URI: unknown selector \"", field,
                     "\" (expected id, host or cert-sha256)"));
  }
  return out;
}

}  // namespace keyward::provider
