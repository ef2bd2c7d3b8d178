#include "keystore/key_loader.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/certificate_chain.h"
#include "keystore/file_reader.h"
#include "keystore/key_type.h"
#include "keystore/openssl_private_key.h"
#include "keystore/passphrase.h"
#include "keystore/pkcs11/certificate_object.h"
#include "keystore/pkcs11/key_object.h"
#include "keystore/pkcs11/pkcs11_private_key.h"
#include "keystore/pkcs11/uri.h"
#include "keystore/private_key_pem.h"

namespace keyward::keystore {
namespace {

// Prefixed adds the entry's location and identity to a status message.
absl::Status Prefixed(const KeySpec& spec, const absl::Status& status) {
  return absl::FailedPreconditionError(
      absl::StrCat(spec.location, ": key \"", spec.config.name(), "\" version ",
                   spec.version, ": ", status.message()));
}

absl::Status FileError(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(path, ": ", status.message()));
}

absl::StatusOr<std::optional<handshake::SecretBytes>> ReadPassphrase(
    const std::string& directory, const KeyConfig& config) {
  if (config.has_passphrase_file()) {
    return ReadPassphraseFile(
        absl::StrCat(directory, "/", config.passphrase_file()));
  }
  if (config.has_passphrase_env()) {
    return ReadPassphraseEnv(config.passphrase_env());
  }
  return std::nullopt;
}

absl::StatusOr<EvpPkeyPtr> ReadPrivateKey(const std::string& directory,
                                          const KeyConfig& config,
                                          const std::string& path) {
  absl::StatusOr<std::optional<handshake::SecretBytes>> passphrase =
      ReadPassphrase(directory, config);
  if (!passphrase.ok()) return passphrase.status();
  // The PEM buffer is cleansed when `pem` goes out of scope.
  absl::StatusOr<handshake::SecretBytes> pem = ReadSecretFile(path);
  if (!pem.ok()) return pem.status();
  return ParsePrivateKeyPem(
      *pem, passphrase->has_value() ? &**passphrase : nullptr, path);
}

// Describe fills the public half of `entry` from the key and the chain.
absl::Status Describe(const EVP_PKEY* key, const KeyType& type,
                      const CertificateChain& chain,
                      const std::string& chain_path, KeyEntry& entry) {
  absl::StatusOr<std::string> spki = SubjectPublicKeyInfoDer(key);
  if (!spki.ok()) return spki.status();
  absl::StatusOr<std::string> key_id = KeyIdOf(*spki);
  if (!key_id.ok()) return key_id.status();
  absl::StatusOr<std::string> sha256 = Sha256(chain.der.front());
  if (!sha256.ok()) return sha256.status();
  absl::StatusOr<LeafFacts> leaf =
      DescribeLeaf(chain.certificates.front().get(), chain_path);
  if (!leaf.ok()) return leaf.status();
  entry.algorithm = type.algorithm;
  entry.key_bits = type.bits;
  entry.spki_der = *std::move(spki);
  entry.key_id = *std::move(key_id);
  entry.certificate_chain_der = chain.der;
  entry.certificate_sha256 = *std::move(sha256);
  entry.host_names = std::move(leaf->host_names);
  entry.not_before = leaf->not_before;
  entry.not_after = leaf->not_after;
  return absl::OkStatus();
}

void WarnIfNotValid(const KeySpec& spec, const KeyEntry& entry,
                    const std::string& chain_path, absl::Time now,
                    std::vector<std::string>& warnings) {
  const auto format = [](absl::Time t) {
    return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
  };
  std::string problem;
  if (now < entry.not_before) {
    problem = absl::StrCat("is not valid before ", format(entry.not_before));
  } else if (now > entry.not_after) {
    problem = absl::StrCat("expired at ", format(entry.not_after));
  } else {
    return;
  }
  warnings.push_back(absl::StrCat(spec.location, ": key \"", spec.config.name(),
                                  "\" version ", spec.version, ": ", chain_path,
                                  ": the leaf certificate ", problem,
                                  "; loaded anyway"));
}


// LoadedKey: the private key handle, with what Describe needs.
struct LoadedKey {
  std::unique_ptr<PrivateKey> private_key;
  KeyType type;
};

// ReadFileKey reads and classifies the private key file.
absl::StatusOr<std::pair<EvpPkeyPtr, KeyType>> ReadFileKey(
    const std::string& directory, const KeyConfig& config) {
  const std::string key_path = KeySource(directory, config);
  absl::StatusOr<EvpPkeyPtr> key = ReadPrivateKey(directory, config, key_path);
  if (!key.ok()) return key.status();
  absl::StatusOr<KeyType> type = ClassifyKey(key->get());
  if (!type.ok()) return FileError(key_path, type.status());
  return std::make_pair(*std::move(key), *type);
}

// UseFileKey checks the key file's key against the leaf certificate and
// wraps it in an OpenSslPrivateKey.
absl::StatusOr<LoadedKey> UseFileKey(const std::string& key_path,
                                     std::pair<EvpPkeyPtr, KeyType> key,
                                     const CertificateChain& chain,
                                     const std::string& chain_source) {
  const EVP_PKEY* leaf_key =
      X509_get0_pubkey(chain.certificates.front().get());
  if (leaf_key == nullptr || EVP_PKEY_eq(leaf_key, key.first.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(
        chain_source,
        ": the leaf certificate's public key does not match the private key "
        "in ",
        key_path));
  }
  absl::StatusOr<std::unique_ptr<OpenSslPrivateKey>> private_key =
      OpenSslPrivateKey::Create(std::move(key.first));
  if (!private_key.ok()) return FileError(key_path, private_key.status());
  return LoadedKey{*std::move(private_key), key.second};
}

// LoadTokenKey binds to the key object on the token; Pkcs11PrivateKey
// proves that it holds the leaf certificate's key.
absl::StatusOr<LoadedKey> LoadTokenKey(const KeySpec& spec,
                                       const CertificateChain& chain,
                                       pkcs11::TokenSet& tokens) {
  absl::StatusOr<pkcs11::ObjectUri> uri =
      pkcs11::ParseObjectUri(spec.config.pkcs11_uri(), CKO_PRIVATE_KEY);
  if (!uri.ok()) return uri.status();
  absl::StatusOr<std::shared_ptr<pkcs11::SessionPool>> pool =
      tokens.Pool(*spec.key_token);
  if (!pool.ok()) return pool.status();
  EVP_PKEY* leaf_key = X509_get0_pubkey(chain.certificates.front().get());
  if (leaf_key == nullptr || EVP_PKEY_up_ref(leaf_key) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        "the leaf certificate's public key cannot be read");
  }
  absl::StatusOr<std::unique_ptr<pkcs11::Pkcs11PrivateKey>> private_key =
      pkcs11::Pkcs11PrivateKey::Create(
          std::make_shared<pkcs11::KeyObject>(*std::move(pool),
                                              *std::move(uri)),
          EvpPkeyPtr(leaf_key));
  if (!private_key.ok()) {
    return absl::FailedPreconditionError(private_key.status().message());
  }
  const KeyType type = (*private_key)->type();
  return LoadedKey{*std::move(private_key), type};
}

// LoadChain reads the certificate chain: from the file, or the leaf from
// the token followed by the file's certificates (if a file is named too).
// `source` names where it came from, for messages.
absl::StatusOr<CertificateChain> LoadChain(const std::string& directory,
                                           const KeySpec& spec,
                                           pkcs11::TokenSet& tokens,
                                           std::string& source) {
  const KeyConfig& config = spec.config;
  const std::string chain_path =
      absl::StrCat(directory, "/", config.certificate_chain_file());
  std::optional<CertificateChain> rest;
  if (!config.certificate_chain_file().empty()) {
    absl::StatusOr<std::string> chain_pem = ReadPublicFile(chain_path);
    if (!chain_pem.ok()) return chain_pem.status();
    absl::StatusOr<CertificateChain> chain =
        ParseCertificateChainPem(*chain_pem, chain_path);
    if (!chain.ok()) return chain.status();
    rest = *std::move(chain);
  }
  if (config.certificate_pkcs11_uri().empty()) {
    source = chain_path;
    return *std::move(rest);
  }
  source = config.certificate_pkcs11_uri();
  absl::StatusOr<pkcs11::ObjectUri> uri = pkcs11::ParseObjectUri(
      config.certificate_pkcs11_uri(), CKO_CERTIFICATE);
  if (!uri.ok()) return uri.status();
  absl::StatusOr<std::shared_ptr<pkcs11::SessionPool>> pool =
      tokens.Pool(*spec.certificate_token);
  if (!pool.ok()) return pool.status();
  absl::StatusOr<std::string> der = pkcs11::ReadCertificateDer(**pool, *uri);
  if (!der.ok()) return der.status();
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  X509Ptr leaf(d2i_X509(nullptr, &p, der->size()));
  if (leaf == nullptr ||
      p != reinterpret_cast<const unsigned char*>(der->data()) + der->size()) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        absl::StrCat(source, ": the certificate object is no DER X.509 "
                             "certificate"));
  }
  CertificateChain chain;
  chain.certificates.push_back(std::move(leaf));
  chain.der.push_back(*std::move(der));
  if (rest.has_value()) {
    for (size_t i = 0; i < rest->certificates.size(); ++i) {
      chain.certificates.push_back(std::move(rest->certificates[i]));
      chain.der.push_back(std::move(rest->der[i]));
    }
    absl::StrAppend(&source, " + ", chain_path);
  }
  return chain;
}

}  // namespace

std::string KeySource(const std::string& directory, const KeyConfig& config) {
  return config.pkcs11_uri().empty()
             ? absl::StrCat(directory, "/", config.private_key_file())
             : config.pkcs11_uri();
}

absl::StatusOr<std::shared_ptr<const KeyEntry>> LoadKeyEntry(
    const std::string& directory, const KeySpec& spec, absl::Time now,
    std::vector<std::string>& warnings, pkcs11::TokenSet& tokens) {
  const KeyConfig& config = spec.config;
  const bool in_file = config.pkcs11_uri().empty();
  // A key file is read first; a token key needs the certificate first.
  absl::StatusOr<std::pair<EvpPkeyPtr, KeyType>> file_key;
  if (in_file) {
    file_key = ReadFileKey(directory, config);
    if (!file_key.ok()) return Prefixed(spec, file_key.status());
  }
  std::string chain_source;
  absl::StatusOr<CertificateChain> chain =
      LoadChain(directory, spec, tokens, chain_source);
  if (!chain.ok()) return Prefixed(spec, chain.status());
  absl::StatusOr<LoadedKey> key =
      in_file ? UseFileKey(KeySource(directory, config), *std::move(file_key),
                           *chain, chain_source)
              : LoadTokenKey(spec, *chain, tokens);
  if (!key.ok()) return Prefixed(spec, key.status());
  auto entry = std::make_shared<KeyEntry>();
  if (absl::Status status =
          Describe(X509_get0_pubkey(chain->certificates.front().get()),
                   key->type, *chain, chain_source, *entry);
      !status.ok()) {
    return Prefixed(spec, status);
  }
  entry->private_key = std::move(key->private_key);
  entry->name = config.name();
  entry->version = spec.version;
  entry->state = spec.current ? v1::KEY_STATE_CURRENT : v1::KEY_STATE_PREVIOUS;
  entry->usable_until = spec.usable_until;
  entry->allow_legacy_md5_sha1 = config.allow_legacy_md5_sha1();
  for (const AccessRule& rule : config.allow()) {
    AccessGrant grant;
    grant.identity_patterns.assign(rule.identity().begin(),
                                   rule.identity().end());
    for (int operation : rule.operations()) {
      grant.operations.push_back(static_cast<v1::Operation>(operation));
    }
    entry->grants.push_back(std::move(grant));
  }
  WarnIfNotValid(spec, *entry, chain_source, now, warnings);
  return entry;
}

}  // namespace keyward::keystore
