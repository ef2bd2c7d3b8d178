#ifndef KEYWARD_CLIENTS_EDGE_TESTING_CERTIFICATES_H_
#define KEYWARD_CLIENTS_EDGE_TESTING_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::edge::testing {

// LeafCertificate: what the tests compare about a server certificate.
struct LeafCertificate {
  // Lowercase hex SHA-256 of the certificate (DER).
  std::string sha256;
  // Subject common name.
  std::string common_name;
  // The key service's key id of its public key: lowercase hex SHA-256 of
  // the SubjectPublicKeyInfo (DER).
  std::string key_id;
};

// ParseLeafPem reads the first certificate of a PEM text. InvalidArgument
// when there is none.
absl::StatusOr<LeafCertificate> ParseLeafPem(absl::string_view pem);

// ReadLeafCertificate reads the first certificate of a PEM chain file.
// NotFound when it cannot be read; as ParseLeafPem otherwise.
absl::StatusOr<LeafCertificate> ReadLeafCertificate(const std::string& path);

}  // namespace keyward::edge::testing

#endif  // KEYWARD_CLIENTS_EDGE_TESTING_CERTIFICATES_H_
