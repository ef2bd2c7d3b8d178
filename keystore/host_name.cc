#include "keystore/host_name.h"

#include "absl/strings/str_cat.h"

namespace keyward::keystore {

std::string WildcardNameFor(absl::string_view host) {
  const size_t dot = host.find('.');
  if (dot == 0 || dot == absl::string_view::npos) return "";
  const absl::string_view rest = host.substr(dot + 1);
  const size_t next_dot = rest.find('.');
  if (next_dot == 0 || next_dot == absl::string_view::npos ||
      next_dot + 1 == rest.size()) {
    return "";
  }
  return absl::StrCat("*.", rest);
}

bool CertificateNameCovers(absl::string_view name, absl::string_view host) {
  if (name == host) return true;
  const std::string wildcard = WildcardNameFor(host);
  return !wildcard.empty() && name == wildcard;
}

}  // namespace keyward::keystore
