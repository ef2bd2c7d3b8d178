#include "clients/openssl_provider/provider.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "clients/openssl_provider/asym_cipher.h"
#include "clients/openssl_provider/dispatch.h"
#include "clients/openssl_provider/key_uri.h"
#include "clients/openssl_provider/keymgmt.h"
#include "clients/openssl_provider/provider_config.h"
#include "clients/openssl_provider/provider_context.h"
#include "clients/openssl_provider/signature.h"
#include "clients/openssl_provider/store.h"

namespace keyward::provider {
namespace {

constexpr char kProperties[] = "provider=keyward";
constexpr char kVersion[] = "1.0.0";

// The algorithm names are exactly those of OpenSSL's default provider
// (providers/implementations/include/prov/names.h).
constexpr char kRsaNames[] = "RSA:rsaEncryption:1.2.840.113549.1.1.1";
constexpr char kEcNames[] = "EC:id-ecPublicKey:1.2.840.10045.2.1";
constexpr char kEd25519Names[] = "ED25519:1.3.101.112";

const OSSL_ALGORITHM* KeymgmtAlgorithms() {
  static const OSSL_ALGORITHM algorithms[] = {
      {kRsaNames, kProperties, KeymgmtFunctions(KeyType::kRsa),
       "RSA public key; private half in the Keyward key service"},
      {kEcNames, kProperties, KeymgmtFunctions(KeyType::kEc),
       "EC public key; private half in the Keyward key service"},
      {kEd25519Names, kProperties, KeymgmtFunctions(KeyType::kEd25519),
       "Ed25519 public key; private half in the Keyward key service"},
      {nullptr, nullptr, nullptr, nullptr},
  };
  return algorithms;
}

const OSSL_ALGORITHM* SignatureAlgorithms() {
  static const OSSL_ALGORITHM algorithms[] = {
      {kRsaNames, kProperties, SignatureFunctions(KeyType::kRsa),
       "RSA PKCS#1 v1.5 and PSS signatures by the Keyward key service"},
      {"ECDSA", kProperties, SignatureFunctions(KeyType::kEc),
       "ECDSA signatures by the Keyward key service"},
      {kEd25519Names, kProperties, SignatureFunctions(KeyType::kEd25519),
       "Ed25519 signatures by the Keyward key service"},
      {nullptr, nullptr, nullptr, nullptr},
  };
  return algorithms;
}

const OSSL_ALGORITHM* AsymCipherAlgorithms() {
  static const OSSL_ALGORITHM algorithms[] = {
      {kRsaNames, kProperties, RsaAsymCipherFunctions(),
       "TLS 1.2 RSA pre-master decryption by the Keyward key service"},
      {nullptr, nullptr, nullptr, nullptr},
  };
  return algorithms;
}

const OSSL_ALGORITHM* StoreAlgorithms() {
  static const OSSL_ALGORITHM algorithms[] = {
      {kKeyUriScheme, kProperties, StoreFunctions(),
       "keyward: URIs, keys held by the Keyward key service"},
      {nullptr, nullptr, nullptr, nullptr},
  };
  return algorithms;
}

const OSSL_ALGORITHM* QueryOperation(void* /*provctx*/, int operation_id,
                                     int* no_cache) {
  *no_cache = 0;
  switch (operation_id) {
    case OSSL_OP_KEYMGMT:
      return KeymgmtAlgorithms();
    case OSSL_OP_SIGNATURE:
      return SignatureAlgorithms();
    case OSSL_OP_ASYM_CIPHER:
      return AsymCipherAlgorithms();
    case OSSL_OP_STORE:
      return StoreAlgorithms();
    default:
      return nullptr;
  }
}

void Teardown(void* provctx) { delete static_cast<ProviderContext*>(provctx); }

constexpr OSSL_PARAM kGettableParams[] = {
    OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_NAME, nullptr, 0),
    OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_VERSION, nullptr, 0),
    OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, nullptr, 0),
    OSSL_PARAM_int(OSSL_PROV_PARAM_STATUS, nullptr),
    OSSL_PARAM_END,
};

const OSSL_PARAM* GettableParams(void* /*provctx*/) { return kGettableParams; }

int GetParams(void* /*provctx*/, OSSL_PARAM params[]) {
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
  if (p != nullptr &&
      OSSL_PARAM_set_utf8_ptr(p, "Keyward key service provider") != 1) {
    return 0;
  }
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
  if (p != nullptr && OSSL_PARAM_set_utf8_ptr(p, kVersion) != 1) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
  if (p != nullptr && OSSL_PARAM_set_utf8_ptr(p, kVersion) != 1) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
  if (p != nullptr && OSSL_PARAM_set_int(p, 1) != 1) return 0;
  return 1;
}

const OSSL_ITEM* ReasonStrings(void* /*provctx*/) {
  return ProviderErrorStrings();
}

const OSSL_DISPATCH kProviderFunctions[] = {
    {OSSL_FUNC_PROVIDER_TEARDOWN, DispatchFunction(&Teardown)},
    {OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, DispatchFunction(&GettableParams)},
    {OSSL_FUNC_PROVIDER_GET_PARAMS, DispatchFunction(&GetParams)},
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, DispatchFunction(&QueryOperation)},
    {OSSL_FUNC_PROVIDER_GET_REASON_STRINGS, DispatchFunction(&ReasonStrings)},
    {0, nullptr},
};

// CoreFunctions: what the provider takes from the core's dispatch table.
struct CoreFunctions {
  OSSL_FUNC_core_get_params_fn* get_params = nullptr;
  CoreErrorFunctions errors;
};

CoreFunctions ReadCoreFunctions(const OSSL_DISPATCH* in) {
  CoreFunctions out;
  for (; in != nullptr && in->function_id != 0; ++in) {
    switch (in->function_id) {
      case OSSL_FUNC_CORE_GET_PARAMS:
        out.get_params = OSSL_FUNC_core_get_params(in);
        break;
      case OSSL_FUNC_CORE_NEW_ERROR:
        out.errors.new_error = OSSL_FUNC_core_new_error(in);
        break;
      case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
        out.errors.set_error_debug = OSSL_FUNC_core_set_error_debug(in);
        break;
      case OSSL_FUNC_CORE_VSET_ERROR:
        out.errors.vset_error = OSSL_FUNC_core_vset_error(in);
        break;
      default:
        break;
    }
  }
  return out;
}

// ConfigLookup reads the provider's openssl.cnf section through the core.
Lookup ConfigLookup(const OSSL_CORE_HANDLE* handle,
                    OSSL_FUNC_core_get_params_fn* get_params) {
  return [handle,
          get_params](const std::string& name) -> std::optional<std::string> {
    if (get_params == nullptr) return std::nullopt;
    char* value = nullptr;
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_ptr(name.c_str(), &value, 0),
        OSSL_PARAM_END,
    };
    if (get_params(handle, params) != 1 || value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::optional<std::string> EnvironmentLookup(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

int InitKeywardProvider(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in,
                        const OSSL_DISPATCH** out, void** provctx) {
  const CoreFunctions core = ReadCoreFunctions(in);
  ProviderSettings settings =
      MergeSettings(ConfigLookup(handle, core.get_params), &EnvironmentLookup);
  openssl::LibCtxPtr libctx(OSSL_LIB_CTX_new());
  if (libctx == nullptr) return 0;
  *provctx = new ProviderContext(handle, core.errors, std::move(settings),
                                 std::move(libctx));
  *out = kProviderFunctions;
  return 1;
}

}  // namespace keyward::provider
