#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_KEY_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_KEY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/openssl_provider/openssl_ptr.h"
#include "clients/openssl_provider/provider_context.h"
#include "keyward/v1/types.pb.h"

namespace keyward::provider {

// KeyType: the key management algorithms the provider implements, named
// exactly as OpenSSL's default provider names them, so that EVP_PKEY_is_a,
// libssl's certificate lookup and cross-provider fetches treat our keys
// like theirs.
enum class KeyType { kRsa, kEc, kEd25519 };

// KeyTypeName is the first name of the key type ("RSA", "EC", "ED25519"):
// the "data-type" of store objects and the name the keys are fetched by.
const char* KeyTypeName(KeyType type);

// ProviderKey is the keydata of the provider's key management: the public
// half of a key, as an EVP_PKEY of OpenSSL's default provider in the
// provider's private library context, and, for a key opened through the
// store, the id of its private half in the key service. A key made by
// key management "new" + "import" (e.g. libcrypto's copy of a
// certificate's public key, for EVP_PKEY_eq) has no key id and can do no
// private operation.
struct ProviderKey {
  ProviderKey(ProviderContext* provider, KeyType type)
      : provider(provider), type(type) {}

  bool has_private() const { return !key_id.empty(); }

  ProviderContext* const provider;
  const KeyType type;
  // Null until imported.
  openssl::EvpPkeyPtr public_key;
  // The key service's lowercase hex key id; empty for public-only keys.
  std::string key_id;
  // The kind of public_key (see KeyAlgorithmOf).
  v1::KeyAlgorithm algorithm = v1::KEY_ALGORITHM_UNSPECIFIED;
};

// RemoteKeyFrom makes the key for a key the service described: it parses
// info.spki_der in the provider's library context and takes info.key_id.
// InvalidArgument when the SPKI does not parse or is not the algorithm
// info.algorithm says; Unimplemented for algorithms the provider does not
// support.
absl::StatusOr<std::unique_ptr<ProviderKey>> RemoteKeyFrom(
    ProviderContext* provider, const v1::KeyInfo& info);

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_PROVIDER_KEY_H_
