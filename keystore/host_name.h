#ifndef KEYWARD_KEYSTORE_HOST_NAME_H_
#define KEYWARD_KEYSTORE_HOST_NAME_H_

#include <string>

#include "absl/strings/string_view.h"

namespace keyward::keystore {

// WildcardNameFor returns the one certificate wildcard name that covers
// `host` (lowercase): "*." followed by `host` without its leftmost label,
// so "www.example.com" gives "*.example.com" (RFC 6125 §6.4.3: the
// wildcard stands for exactly one whole label). Returns "" when no wildcard
// may cover `host`: its leftmost label is empty, or what remains has no dot
// (a wildcard never covers a whole top-level domain, e.g. "*.com").
std::string WildcardNameFor(absl::string_view host);

// CertificateNameCovers reports whether the certificate host name `name`
// (lowercase, as KeyEntry::host_names holds it) covers `host` (lowercase):
// equal, or `name` is WildcardNameFor(host).
bool CertificateNameCovers(absl::string_view name, absl::string_view host);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_HOST_NAME_H_
