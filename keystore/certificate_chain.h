#ifndef KEYWARD_KEYSTORE_CERTIFICATE_CHAIN_H_
#define KEYWARD_KEYSTORE_CERTIFICATE_CHAIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keystore/openssl_ptr.h"

namespace keyward::keystore {

// CertificateChain: the certificates of a PEM chain file, leaf first.
struct CertificateChain {
  std::vector<X509Ptr> certificates;  // never empty
  std::vector<std::string> der;       // DER of each, same order
};

// ParseCertificateChainPem decodes every "CERTIFICATE" block of `pem`, in
// order (text outside the blocks is ignored). The chain is not verified:
// the keystore serves it as configured. FailedPrecondition starting with
// `source` (the file name) when there is no certificate or a block is
// corrupt.
absl::StatusOr<CertificateChain> ParseCertificateChainPem(
    absl::string_view pem, absl::string_view source);

// LeafFacts: what the keystore publishes about a leaf certificate.
struct LeafFacts {
  // DNS subjectAltNames (RFC 5280 §4.2.1.6), lowercased, in certificate
  // order; only if there is none, the subject's last commonName when it is
  // shaped like a host name. Names with characters other than letters,
  // digits, '-', '_', '.' and '*' are left out.
  std::vector<std::string> host_names;
  absl::Time not_before;
  absl::Time not_after;
};

// DescribeLeaf returns the facts of `leaf` (not owned). FailedPrecondition
// starting with `source` when its validity times cannot be read.
absl::StatusOr<LeafFacts> DescribeLeaf(const X509* leaf,
                                       absl::string_view source);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_CERTIFICATE_CHAIN_H_
