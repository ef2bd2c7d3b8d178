#include "keystore/key_loader.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/certificate_chain.h"
#include "keystore/file_reader.h"
#include "keystore/key_type.h"
#include "keystore/openssl_private_key.h"
#include "keystore/passphrase.h"
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

}  // namespace

absl::StatusOr<std::shared_ptr<const KeyEntry>> LoadKeyEntry(
    const std::string& directory, const KeySpec& spec, absl::Time now,
    std::vector<std::string>& warnings) {
  const KeyConfig& config = spec.config;
  const std::string key_path =
      absl::StrCat(directory, "/", config.private_key_file());
  const std::string chain_path =
      absl::StrCat(directory, "/", config.certificate_chain_file());
  absl::StatusOr<EvpPkeyPtr> key = ReadPrivateKey(directory, config, key_path);
  if (!key.ok()) return Prefixed(spec, key.status());
  absl::StatusOr<KeyType> type = ClassifyKey(key->get());
  if (!type.ok()) return Prefixed(spec, FileError(key_path, type.status()));
  absl::StatusOr<std::string> chain_pem = ReadPublicFile(chain_path);
  if (!chain_pem.ok()) return Prefixed(spec, chain_pem.status());
  absl::StatusOr<CertificateChain> chain =
      ParseCertificateChainPem(*chain_pem, chain_path);
  if (!chain.ok()) return Prefixed(spec, chain.status());

  const EVP_PKEY* leaf_key =
      X509_get0_pubkey(chain->certificates.front().get());
  if (leaf_key == nullptr || EVP_PKEY_eq(leaf_key, key->get()) != 1) {
    ERR_clear_error();
    return Prefixed(spec, absl::FailedPreconditionError(absl::StrCat(
                              chain_path,
                              ": the leaf certificate's public key does not "
                              "match the private key in ",
                              key_path)));
  }
  auto entry = std::make_shared<KeyEntry>();
  if (absl::Status status =
          Describe(key->get(), *type, *chain, chain_path, *entry);
      !status.ok()) {
    return Prefixed(spec, status);
  }
  absl::StatusOr<std::unique_ptr<OpenSslPrivateKey>> private_key =
      OpenSslPrivateKey::Create(*std::move(key));
  if (!private_key.ok()) {
    return Prefixed(spec, FileError(key_path, private_key.status()));
  }
  entry->private_key = *std::move(private_key);
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
  WarnIfNotValid(spec, *entry, chain_path, now, warnings);
  return entry;
}

}  // namespace keyward::keystore
