#include "keystore/manifest.h"

#include <p11-kit/pkcs11.h>

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "keystore/file_reader.h"
#include "keystore/manifest_checks.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

// FirstError keeps the text-format parser's first complaint with its
// position (the parser counts from 0; people count from 1).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstError(absl::string_view file_name) : file_name_(file_name) {}
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) {
      message_ = absl::StrCat(file_name_, ":", line + 1, ":", column + 1, ": ",
                              message);
    }
  }
  const std::string& message() const { return message_; }

 private:
  const std::string file_name_;
  std::string message_;
};

// AssignRotation marks each name's highest version CURRENT and gives the
// others their usable_until (required for them, refused on the current).
absl::Status AssignRotation(std::vector<KeySpec>& specs,
                            const std::vector<FieldLocator>& wheres) {
  std::map<std::string, uint32_t> highest;
  std::map<std::pair<std::string, uint32_t>, std::string> seen;
  for (const KeySpec& spec : specs) {
    const std::string& name = spec.config.name();
    auto [it, inserted] =
        seen.emplace(std::make_pair(name, spec.version), spec.location);
    if (!inserted) {
      return ManifestError(
          spec.location,
          absl::StrCat("key \"", name, "\" version ", spec.version,
                       " is already defined at ", it->second));
    }
    uint32_t& max = highest[name];
    if (spec.version > max) max = spec.version;
  }
  const FieldDescriptor* field = KeyConfig::descriptor()->FindFieldByNumber(
      KeyConfig::kUsableUntilFieldNumber);
  for (size_t i = 0; i < specs.size(); ++i) {
    KeySpec& spec = specs[i];
    const std::string& until = spec.config.usable_until();
    const uint32_t max = highest[spec.config.name()];
    spec.current = spec.version == max;
    if (spec.current && !until.empty()) {
      return ManifestError(
          wheres[i].At(field),
          absl::StrCat("usable_until is only for older versions; ",
                       spec.version, " is the highest version of \"",
                       spec.config.name(), "\""));
    }
    if (spec.current) continue;
    std::string parse_error;
    if (until.empty()) {
      return ManifestError(
          wheres[i].At(field),
          absl::StrCat("usable_until is required: version ", spec.version,
                       " of \"", spec.config.name(),
                       "\" is older than version ", max));
    }
    if (!absl::ParseTime(absl::RFC3339_full, until, &spec.usable_until,
                         &parse_error)) {
      return ManifestError(
          wheres[i].At(field),
          absl::StrCat("usable_until \"", until,
                       "\" is not an RFC 3339 time: ", parse_error));
    }
  }
  return absl::OkStatus();
}

// ReadTokens checks the pkcs11_token entries and indexes them by label.
absl::StatusOr<std::map<std::string, Pkcs11Token>> ReadTokens(
    const Manifest& manifest, const FieldLocator& top) {
  const FieldDescriptor* token_field = Manifest::descriptor()->FindFieldByNumber(
      Manifest::kPkcs11TokenFieldNumber);
  std::map<std::string, Pkcs11Token> tokens;
  for (int i = 0; i < manifest.pkcs11_token_size(); ++i) {
    const Pkcs11Token& token = manifest.pkcs11_token(i);
    if (absl::Status status =
            CheckPkcs11Token(token, top.Nested(token_field, i));
        !status.ok()) {
      return status;
    }
    if (!tokens.emplace(token.token_label(), token).second) {
      return ManifestError(top.At(token_field, i),
                           absl::StrCat("token \"", token.token_label(),
                                        "\" is declared twice"));
    }
  }
  return tokens;
}

// TokenOf returns the pkcs11_token entry for the token `uri` names (a URI
// CheckKeyConfig accepted), or the manifest error at `field`.
absl::StatusOr<Pkcs11Token> TokenOf(
    const std::map<std::string, Pkcs11Token>& tokens, const std::string& uri,
    CK_OBJECT_CLASS object_class, const FieldLocator& where, int field) {
  absl::StatusOr<pkcs11::ObjectUri> parsed =
      pkcs11::ParseObjectUri(uri, object_class);
  const FieldDescriptor* descriptor =
      KeyConfig::descriptor()->FindFieldByNumber(field);
  if (!parsed.ok()) {
    return ManifestError(where.At(descriptor), parsed.status().message());
  }
  auto it = tokens.find(parsed->token_label);
  if (it == tokens.end()) {
    return ManifestError(
        where.At(descriptor),
        absl::StrCat(descriptor->name(), " names token \"",
                     parsed->token_label,
                     "\", which has no pkcs11_token entry with that "
                     "token_label"));
  }
  return it->second;
}

}  // namespace

absl::StatusOr<std::vector<KeySpec>> ParseManifest(
    absl::string_view text, absl::string_view file_name) {
  Manifest manifest;
  FirstError errors(file_name);
  TextFormat::ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &manifest)) {
    return absl::InvalidArgumentError(errors.message());
  }
  const FieldLocator top(file_name, &tree, std::string(file_name));
  absl::StatusOr<std::map<std::string, Pkcs11Token>> tokens =
      ReadTokens(manifest, top);
  if (!tokens.ok()) return tokens.status();
  const FieldDescriptor* key_field =
      Manifest::descriptor()->FindFieldByNumber(Manifest::kKeyFieldNumber);
  std::vector<KeySpec> specs;
  std::vector<FieldLocator> wheres;
  for (int i = 0; i < manifest.key_size(); ++i) {
    FieldLocator where = top.Nested(key_field, i);
    if (absl::Status status = CheckKeyConfig(manifest.key(i), where);
        !status.ok()) {
      return status;
    }
    KeySpec spec;
    spec.config = manifest.key(i);
    spec.version = spec.config.version() == 0 ? 1 : spec.config.version();
    spec.location = top.At(key_field, i);
    if (!spec.config.pkcs11_uri().empty()) {
      absl::StatusOr<Pkcs11Token> token =
          TokenOf(*tokens, spec.config.pkcs11_uri(), CKO_PRIVATE_KEY, where,
                  KeyConfig::kPkcs11UriFieldNumber);
      if (!token.ok()) return token.status();
      spec.key_token = *std::move(token);
    }
    if (!spec.config.certificate_pkcs11_uri().empty()) {
      absl::StatusOr<Pkcs11Token> token = TokenOf(
          *tokens, spec.config.certificate_pkcs11_uri(), CKO_CERTIFICATE,
          where, KeyConfig::kCertificatePkcs11UriFieldNumber);
      if (!token.ok()) return token.status();
      spec.certificate_token = *std::move(token);
    }
    specs.push_back(std::move(spec));
    wheres.push_back(std::move(where));
  }
  if (specs.empty()) {
    return ManifestError(file_name, "the manifest defines no key");
  }
  if (absl::Status status = AssignRotation(specs, wheres); !status.ok()) {
    return status;
  }
  return specs;
}

absl::StatusOr<std::vector<KeySpec>> ReadManifestFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadPublicFile(path);
  if (!text.ok()) return text.status();
  return ParseManifest(*text, path);
}

}  // namespace keyward::keystore
