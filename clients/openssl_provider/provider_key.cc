#include "clients/openssl_provider/provider_key.h"

#include <openssl/x509.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/openssl_provider/scheme_mapping.h"

namespace keyward::provider {

const char* KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEc:
      return "EC";
    case KeyType::kEd25519:
      return "ED25519";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<ProviderKey>> RemoteKeyFrom(
    ProviderContext* provider, const v1::KeyInfo& info) {
  KeyType type;
  switch (info.algorithm()) {
    case v1::KEY_ALGORITHM_RSA:
      type = KeyType::kRsa;
      break;
    case v1::KEY_ALGORITHM_ECDSA_P256:
    case v1::KEY_ALGORITHM_ECDSA_P384:
      type = KeyType::kEc;
      break;
    case v1::KEY_ALGORITHM_ED25519:
      type = KeyType::kEd25519;
      break;
    default:
      return absl::UnimplementedError(
          absl::StrCat("key ", info.key_id(), ": algorithm ",
                       v1::KeyAlgorithm_Name(info.algorithm()),
                       " is not supported by the provider"));
  }
  const unsigned char* der =
      reinterpret_cast<const unsigned char*>(info.spki_der().data());
  openssl::EvpPkeyPtr public_key(
      d2i_PUBKEY_ex(nullptr, &der, static_cast<long>(info.spki_der().size()),
                    provider->libctx(), nullptr));
  if (public_key == nullptr ||
      KeyAlgorithmOf(public_key.get()) != info.algorithm()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key ", info.key_id(), ": the public key does not parse as ",
        v1::KeyAlgorithm_Name(info.algorithm())));
  }
  auto key = std::make_unique<ProviderKey>(provider, type);
  key->public_key = std::move(public_key);
  key->key_id = info.key_id();
  key->algorithm = info.algorithm();
  return key;
}

}  // namespace keyward::provider
