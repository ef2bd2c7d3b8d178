#include "keystore/manifest_checks.h"

#include <p11-kit/pkcs11.h>

#include "absl/strings/ascii.h"
#include "keystore/pkcs11/uri.h"
#include "absl/strings/str_cat.h"
#include "keyward/v1/types.pb.h"

namespace keyward::keystore {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

std::string FieldLocator::At(const FieldDescriptor* field, int index) const {
  if (tree_ == nullptr || field->is_repeated() != (index >= 0)) {
    return fallback_;
  }
  const TextFormat::ParseLocation location = tree_->GetLocation(field, index);
  if (location.line < 0) return fallback_;
  return absl::StrCat(file_name_, ":", location.line + 1, ":",
                      location.column + 1);
}

FieldLocator FieldLocator::Nested(const FieldDescriptor* field,
                                  int index) const {
  return FieldLocator(
      file_name_,
      tree_ == nullptr ? nullptr : tree_->GetTreeForNested(field, index),
      At(field, index));
}

absl::Status ManifestError(absl::string_view where, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", reason));
}

namespace {

constexpr size_t kMaxNameLength = 64;

const FieldDescriptor* KeyField(int number) {
  return KeyConfig::descriptor()->FindFieldByNumber(number);
}

const FieldDescriptor* RuleField(int number) {
  return AccessRule::descriptor()->FindFieldByNumber(number);
}

bool IsValidName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// An environment variable name as POSIX shells accept it.
bool IsValidEnvName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

absl::Status CheckPath(const FieldLocator& where, int field,
                       absl::string_view path) {
  const FieldDescriptor* descriptor = KeyField(field);
  if (path.empty()) {
    return ManifestError(where.At(descriptor),
                         absl::StrCat(descriptor->name(), " is required"));
  }
  if (path[0] == '/') {
    return ManifestError(
        where.At(descriptor),
        absl::StrCat(descriptor->name(), " \"", path,
                     "\" must be relative to the keystore directory"));
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const AccessRule& rule, const FieldLocator& where) {
  const FieldDescriptor* identity = RuleField(AccessRule::kIdentityFieldNumber);
  const FieldDescriptor* operations =
      RuleField(AccessRule::kOperationsFieldNumber);
  if (rule.identity().empty()) {
    return ManifestError(where.At(identity), "allow rule without an identity");
  }
  for (int i = 0; i < rule.identity_size(); ++i) {
    const std::string& pattern = rule.identity(i);
    const size_t star = pattern.find('*');
    if (pattern.empty() ||
        (star != std::string::npos && star + 1 != pattern.size())) {
      return ManifestError(
          where.At(identity, i),
          absl::StrCat("identity \"", pattern,
                       "\" must be non-empty, with \"*\" only as its "
                       "last character"));
    }
  }
  if (rule.operations().empty()) {
    return ManifestError(where.At(operations), "allow rule without operations");
  }
  for (int i = 0; i < rule.operations_size(); ++i) {
    const int operation = rule.operations(i);
    if (operation == v1::OPERATION_UNSPECIFIED ||
        !v1::Operation_IsValid(operation)) {
      return ManifestError(
          where.At(operations, i),
          absl::StrCat("operation ", operation, " is unspecified or unknown"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckUri(const FieldLocator& where, int field,
                      absl::string_view uri, CK_OBJECT_CLASS object_class) {
  absl::StatusOr<pkcs11::ObjectUri> parsed =
      pkcs11::ParseObjectUri(uri, object_class);
  if (!parsed.ok()) {
    return ManifestError(where.At(KeyField(field)), parsed.status().message());
  }
  return absl::OkStatus();
}

// CheckKeySource: exactly one of private_key_file and pkcs11_uri; no
// passphrase for a key on a token.
absl::Status CheckKeySource(const KeyConfig& key, const FieldLocator& where) {
  if (key.pkcs11_uri().empty()) {
    return CheckPath(where, KeyConfig::kPrivateKeyFileFieldNumber,
                     key.private_key_file());
  }
  if (!key.private_key_file().empty()) {
    return ManifestError(
        where.At(KeyField(KeyConfig::kPkcs11UriFieldNumber)),
        "give either private_key_file or pkcs11_uri, not both");
  }
  if (key.has_passphrase_file() || key.has_passphrase_env()) {
    return ManifestError(
        where.At(KeyField(key.has_passphrase_file()
                              ? KeyConfig::kPassphraseFileFieldNumber
                              : KeyConfig::kPassphraseEnvFieldNumber)),
        "a key on a PKCS #11 token has no passphrase; its pkcs11_token "
        "has the PIN");
  }
  return CheckUri(where, KeyConfig::kPkcs11UriFieldNumber, key.pkcs11_uri(),
                  CKO_PRIVATE_KEY);
}

// CheckChainSource: certificate_chain_file, certificate_pkcs11_uri or both
// (the leaf from the token, the rest from the file).
absl::Status CheckChainSource(const KeyConfig& key, const FieldLocator& where) {
  if (key.certificate_pkcs11_uri().empty() ||
      !key.certificate_chain_file().empty()) {
    if (absl::Status status =
            CheckPath(where, KeyConfig::kCertificateChainFileFieldNumber,
                      key.certificate_chain_file());
        !status.ok()) {
      return status;
    }
  }
  if (key.certificate_pkcs11_uri().empty()) return absl::OkStatus();
  return CheckUri(where, KeyConfig::kCertificatePkcs11UriFieldNumber,
                  key.certificate_pkcs11_uri(), CKO_CERTIFICATE);
}

const FieldDescriptor* TokenField(int number) {
  return Pkcs11Token::descriptor()->FindFieldByNumber(number);
}

// The most sessions a token entry may ask for (tokens allow far fewer).
constexpr uint32_t kMaxSessions = 1024;

}  // namespace

absl::Status CheckPkcs11Token(const Pkcs11Token& token,
                              const FieldLocator& where) {
  if (token.token_label().empty() || token.token_label().size() > 32) {
    return ManifestError(
        where.At(TokenField(Pkcs11Token::kTokenLabelFieldNumber)),
        "token_label must have 1 to 32 bytes (CK_TOKEN_INFO.label)");
  }
  if (token.module_path().empty() || token.module_path()[0] != '/') {
    return ManifestError(
        where.At(TokenField(Pkcs11Token::kModulePathFieldNumber)),
        absl::StrCat("module_path \"", token.module_path(),
                     "\" must be an absolute path"));
  }
  switch (token.pin_case()) {
    case Pkcs11Token::kPinFile:
      if (token.pin_file().empty() || token.pin_file()[0] == '/') {
        return ManifestError(
            where.At(TokenField(Pkcs11Token::kPinFileFieldNumber)),
            absl::StrCat("pin_file \"", token.pin_file(),
                         "\" must be relative to the keystore directory"));
      }
      break;
    case Pkcs11Token::kPinEnv:
      if (!IsValidEnvName(token.pin_env())) {
        return ManifestError(
            where.At(TokenField(Pkcs11Token::kPinEnvFieldNumber)),
            absl::StrCat("pin_env \"", token.pin_env(),
                         "\" is not an environment variable name"));
      }
      break;
    default:
      return ManifestError(
          where.At(TokenField(Pkcs11Token::kTokenLabelFieldNumber)),
          absl::StrCat("token \"", token.token_label(),
                       "\" needs pin_file or pin_env"));
  }
  if (token.max_sessions() > kMaxSessions) {
    return ManifestError(
        where.At(TokenField(Pkcs11Token::kMaxSessionsFieldNumber)),
        absl::StrCat("max_sessions ", token.max_sessions(), " is above ",
                     kMaxSessions));
  }
  return absl::OkStatus();
}

absl::Status CheckKeyConfig(const KeyConfig& key, const FieldLocator& where) {
  if (!IsValidName(key.name())) {
    return ManifestError(
        where.At(KeyField(KeyConfig::kNameFieldNumber)),
        absl::StrCat("name \"", key.name(), "\" must match [a-z0-9._-]{1,64}"));
  }
  if (absl::Status status = CheckKeySource(key, where); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckChainSource(key, where); !status.ok()) {
    return status;
  }
  if (key.has_passphrase_file()) {
    if (absl::Status status =
            CheckPath(where, KeyConfig::kPassphraseFileFieldNumber,
                      key.passphrase_file());
        !status.ok()) {
      return status;
    }
  }
  if (key.has_passphrase_env() && !IsValidEnvName(key.passphrase_env())) {
    return ManifestError(
        where.At(KeyField(KeyConfig::kPassphraseEnvFieldNumber)),
        absl::StrCat("passphrase_env \"", key.passphrase_env(),
                     "\" is not an environment variable name"));
  }
  for (int i = 0; i < key.allow_size(); ++i) {
    if (absl::Status status =
            CheckRule(key.allow(i),
                      where.Nested(KeyField(KeyConfig::kAllowFieldNumber), i));
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace keyward::keystore
