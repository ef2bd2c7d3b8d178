#include "service/network_address.h"

#include <arpa/inet.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace keyward::service {
namespace {

bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == ':' || c == '_';
}

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view address) {
  ListenAddress out;
  if (absl::ConsumePrefix(&address, "unix:")) {
    if (address.empty()) {
      return absl::InvalidArgumentError("listen_address: empty unix path");
    }
    out.is_unix_socket = true;
    return out;
  }
  absl::string_view host;
  absl::string_view port;
  if (absl::ConsumePrefix(&address, "[")) {
    size_t close = address.find("]:");
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "listen_address: expected \"[ipv6]:port\"");
    }
    host = address.substr(0, close);
    port = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "listen_address: expected \"host:port\"");
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (absl::StrContains(host, ':')) {
      return absl::InvalidArgumentError(
          "listen_address: write IPv6 addresses as \"[ipv6]:port\"");
    }
  }
  if (host.empty()) {
    return absl::InvalidArgumentError("listen_address: empty host");
  }
  for (char c : host) {
    if (!IsHostChar(c)) {
      return absl::InvalidArgumentError(
          "listen_address: host has a character outside a name or IP");
    }
  }
  if (!absl::SimpleAtoi(port, &out.port) || out.port < 0 || out.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen_address: bad port \"", port, "\""));
  }
  out.host = std::string(host);
  return out;
}

bool IsLoopback(const ListenAddress& address) {
  if (address.is_unix_socket) return true;
  if (absl::AsciiStrToLower(address.host) == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, address.host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, address.host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace keyward::service
