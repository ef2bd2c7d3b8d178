#include "clients/openssl_provider/keymgmt.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "clients/openssl_provider/dispatch.h"
#include "clients/openssl_provider/scheme_mapping.h"

namespace keyward::provider {
namespace {

ProviderKey* KeyOf(void* keydata) { return static_cast<ProviderKey*>(keydata); }
const ProviderKey* KeyOf(const void* keydata) {
  return static_cast<const ProviderKey*>(keydata);
}

constexpr OSSL_PARAM kRsaPublicParams[] = {
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, nullptr, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEcPublicParams[] = {
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, nullptr,
                           0),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, nullptr),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEd25519PublicParams[] = {
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
    OSSL_PARAM_END,
};

constexpr OSSL_PARAM kRsaGettable[] = {
    OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, nullptr, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, nullptr, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEcGettable[] = {
    OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, nullptr,
                           0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEd25519Gettable[] = {
    OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_MANDATORY_DIGEST, nullptr, 0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0),
    OSSL_PARAM_END,
};

template <KeyType kType>
const OSSL_PARAM* PublicParams() {
  switch (kType) {
    case KeyType::kRsa:
      return kRsaPublicParams;
    case KeyType::kEc:
      return kEcPublicParams;
    case KeyType::kEd25519:
      return kEd25519PublicParams;
  }
  return nullptr;
}

template <KeyType kType>
void* New(void* provctx) {
  return new ProviderKey(static_cast<ProviderContext*>(provctx), kType);
}

void Free(void* keydata) { delete KeyOf(keydata); }

// Load takes over the ProviderKey whose address the store passed as the
// object reference (see store.h), leaving null in its place.
template <KeyType kType>
void* Load(const void* reference, size_t reference_size) {
  if (reference == nullptr || reference_size != sizeof(ProviderKey*)) {
    return nullptr;
  }
  ProviderKey** slot = static_cast<ProviderKey**>(const_cast<void*>(reference));
  ProviderKey* key = *slot;
  if (key == nullptr || key->type != kType) return nullptr;
  *slot = nullptr;
  return key;
}

int Has(const void* keydata, int selection) {
  const ProviderKey* key = KeyOf(keydata);
  if (key == nullptr) return 0;
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 &&
      !key->has_private()) {
    return 0;
  }
  if ((selection & (OSSL_KEYMGMT_SELECT_PUBLIC_KEY |
                    OSSL_KEYMGMT_SELECT_ALL_PARAMETERS)) != 0 &&
      key->public_key == nullptr) {
    return 0;
  }
  return 1;
}

// Match compares public material only; a key's private half is the one
// the key service holds for that public key.
int Match(const void* keydata1, const void* keydata2, int selection) {
  const ProviderKey* a = KeyOf(keydata1);
  const ProviderKey* b = KeyOf(keydata2);
  if (a == nullptr || b == nullptr || a->type != b->type ||
      a->public_key == nullptr || b->public_key == nullptr) {
    return 0;
  }
  if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0) {
    return EVP_PKEY_eq(a->public_key.get(), b->public_key.get()) == 1;
  }
  if ((selection & OSSL_KEYMGMT_SELECT_ALL_PARAMETERS) != 0) {
    return EVP_PKEY_parameters_eq(a->public_key.get(), b->public_key.get()) ==
           1;
  }
  return 1;
}

// Import builds the public half from parameters. Private parts are never
// accepted, and a key from the store is never overwritten.
int Import(void* keydata, int selection, const OSSL_PARAM params[]) {
  ProviderKey* key = KeyOf(keydata);
  if (key == nullptr || key->has_private() ||
      (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) {
    return 0;
  }
  openssl::EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(
      key->provider->libctx(), KeyTypeName(key->type), nullptr));
  EVP_PKEY* imported = nullptr;
  if (context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &imported, selection,
                        const_cast<OSSL_PARAM*>(params)) != 1) {
    return 0;
  }
  key->public_key.reset(imported);
  key->algorithm = KeyAlgorithmOf(imported);
  return 1;
}

// Export hands out public parts only (see KeymgmtFunctions).
int Export(void* keydata, int selection, OSSL_CALLBACK* callback,
           void* callback_arg) {
  const ProviderKey* key = KeyOf(keydata);
  if (key == nullptr || key->public_key == nullptr ||
      (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) {
    return 0;
  }
  return EVP_PKEY_export(key->public_key.get(), selection, callback,
                         callback_arg);
}

template <KeyType kType>
const OSSL_PARAM* PublicTypes(int selection) {
  return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0
             ? nullptr
             : PublicParams<kType>();
}

int GetParams(void* keydata, OSSL_PARAM params[]) {
  const ProviderKey* key = KeyOf(keydata);
  if (key == nullptr || key->public_key == nullptr) return 0;
  return EVP_PKEY_get_params(key->public_key.get(), params);
}

template <KeyType kType>
const OSSL_PARAM* Gettable(void* /*provctx*/) {
  switch (kType) {
    case KeyType::kRsa:
      return kRsaGettable;
    case KeyType::kEc:
      return kEcGettable;
    case KeyType::kEd25519:
      return kEd25519Gettable;
  }
  return nullptr;
}

// EcOperationName: EC keys sign with the algorithm named "ECDSA".
const char* EcOperationName(int operation_id) {
  return operation_id == OSSL_OP_SIGNATURE ? "ECDSA" : nullptr;
}

// Dup copies a key; the private half (the key id) only when `selection`
// asks for it.
void* Dup(const void* keydata, int selection) {
  const ProviderKey* key = KeyOf(keydata);
  if (key == nullptr) return nullptr;
  auto* copy = new ProviderKey(key->provider, key->type);
  if (key->public_key != nullptr) {
    EVP_PKEY_up_ref(key->public_key.get());
    copy->public_key.reset(key->public_key.get());
  }
  copy->algorithm = key->algorithm;
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) {
    copy->key_id = key->key_id;
  }
  return copy;
}

template <KeyType kType>
const OSSL_DISPATCH kFunctions[] = {
    {OSSL_FUNC_KEYMGMT_NEW, DispatchFunction(&New<kType>)},
    {OSSL_FUNC_KEYMGMT_FREE, DispatchFunction(&Free)},
    {OSSL_FUNC_KEYMGMT_LOAD, DispatchFunction(&Load<kType>)},
    {OSSL_FUNC_KEYMGMT_HAS, DispatchFunction(&Has)},
    {OSSL_FUNC_KEYMGMT_MATCH, DispatchFunction(&Match)},
    {OSSL_FUNC_KEYMGMT_IMPORT, DispatchFunction(&Import)},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, DispatchFunction(&PublicTypes<kType>)},
    {OSSL_FUNC_KEYMGMT_EXPORT, DispatchFunction(&Export)},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, DispatchFunction(&PublicTypes<kType>)},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, DispatchFunction(&GetParams)},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, DispatchFunction(&Gettable<kType>)},
    {OSSL_FUNC_KEYMGMT_DUP, DispatchFunction(&Dup)},
    // EC only; for the other types this entry ends the table.
    {kType == KeyType::kEc ? OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME : 0,
     kType == KeyType::kEc ? DispatchFunction(&EcOperationName) : nullptr},
    {0, nullptr},
};

}  // namespace

const OSSL_DISPATCH* KeymgmtFunctions(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return kFunctions<KeyType::kRsa>;
    case KeyType::kEc:
      return kFunctions<KeyType::kEc>;
    case KeyType::kEd25519:
      return kFunctions<KeyType::kEd25519>;
  }
  return nullptr;
}

}  // namespace keyward::provider
