#ifndef KEYWARD_KEYSTORE_MANIFEST_CHECKS_H_
#define KEYWARD_KEYSTORE_MANIFEST_CHECKS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "keystore/manifest.pb.h"

namespace keyward::keystore {

// FieldLocator turns the text-format parser's field positions within one
// message into "<file>:<line>:<column>"; fields the parser did not see
// (left unset) are reported at the message itself (`fallback`). Holds
// `file_name` and `tree` by reference: both must outlive it.
class FieldLocator {
 public:
  FieldLocator(absl::string_view file_name,
               const google::protobuf::TextFormat::ParseInfoTree* tree,
               std::string fallback)
      : file_name_(file_name), tree_(tree), fallback_(std::move(fallback)) {}

  // At: `index` is the element of a repeated field, -1 for a singular one
  // (a repeated field as a whole is reported at the enclosing message).
  std::string At(const google::protobuf::FieldDescriptor* field,
                 int index = -1) const;

  // Nested locates the fields of the message in `field` (element `index`).
  FieldLocator Nested(const google::protobuf::FieldDescriptor* field,
                      int index) const;

 private:
  absl::string_view file_name_;
  const google::protobuf::TextFormat::ParseInfoTree* tree_;
  std::string fallback_;
};

// ManifestError returns InvalidArgument "<where>: <reason>".
absl::Status ManifestError(absl::string_view where, absl::string_view reason);

// CheckKeyConfig checks one manifest entry on its own (rotation rules and
// token references need all entries; see ParseManifest): the name, the
// key source (exactly one of private_key_file and a parsable pkcs11_uri,
// no passphrase with a URI), the chain source (certificate_chain_file,
// certificate_pkcs11_uri or both), the file paths, the passphrase_env name
// and the allow rules. InvalidArgument (ManifestError) at the offending
// field otherwise.
absl::Status CheckKeyConfig(const KeyConfig& key, const FieldLocator& where);

// CheckPkcs11Token checks one pkcs11_token entry: a token_label of 1 to 32
// bytes, an absolute module_path, a PIN source (pin_file relative to the
// keystore directory, or a valid pin_env name) and max_sessions at most
// 1024. InvalidArgument (ManifestError) at the offending field otherwise.
absl::Status CheckPkcs11Token(const Pkcs11Token& token,
                              const FieldLocator& where);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_MANIFEST_CHECKS_H_
