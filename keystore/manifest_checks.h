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

// CheckKeyConfig checks one manifest entry on its own (rotation rules need
// all entries; see ParseManifest): the name, the file paths, the
// passphrase_env name and the allow rules. InvalidArgument (ManifestError)
// at the offending field otherwise.
absl::Status CheckKeyConfig(const KeyConfig& key, const FieldLocator& where);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_MANIFEST_CHECKS_H_
