#include "clients/openssl_provider/store.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/params.h>
#include <openssl/store.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/openssl_provider/dispatch.h"
#include "clients/openssl_provider/key_uri.h"
#include "clients/openssl_provider/provider_key.h"

namespace keyward::provider {
namespace {

// Loader: one opened keyward: URI.
struct Loader {
  Loader(ProviderContext* provider, v1::KeySelector selector)
      : provider(provider), selector(std::move(selector)) {}

  ProviderContext* const provider;
  const v1::KeySelector selector;
  // OSSL_STORE_INFO_* the caller expects; 0: anything.
  int expect = 0;
  bool done = false;
};

Loader* LoaderOf(void* loader) { return static_cast<Loader*>(loader); }

void* Open(void* provctx, const char* uri) {
  ProviderContext* provider = static_cast<ProviderContext*>(provctx);
  absl::StatusOr<v1::KeySelector> selector = ParseKeyUri(uri);
  if (!selector.ok()) {
    provider->RaiseError(kBadKeyUri, selector.status().message(), "Open");
    return nullptr;
  }
  return new Loader(provider, *std::move(selector));
}

constexpr OSSL_PARAM kSettable[] = {
    OSSL_PARAM_int(OSSL_STORE_PARAM_EXPECT, nullptr),
    OSSL_PARAM_END,
};

const OSSL_PARAM* SettableContextParams(void* /*provctx*/) { return kSettable; }

// SetContextParams takes "expect"; other criteria (subject, alias, ...)
// have no meaning for a URI that names one key, and are ignored.
int SetContextParams(void* loader_ptr, const OSSL_PARAM params[]) {
  Loader* loader = LoaderOf(loader_ptr);
  if (loader == nullptr) return 0;
  if (params == nullptr) return 1;
  if (const OSSL_PARAM* p =
          OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_EXPECT)) {
    if (OSSL_PARAM_get_int(p, &loader->expect) != 1) return 0;
  }
  return 1;
}

// WantsKey: whether the caller's expectation admits a key.
bool WantsKey(int expect) {
  return expect == 0 || expect == OSSL_STORE_INFO_PKEY ||
         expect == OSSL_STORE_INFO_PUBKEY;
}

int Load(void* loader_ptr, OSSL_CALLBACK* object_callback,
         void* object_callback_arg, OSSL_PASSPHRASE_CALLBACK* /*pw_cb*/,
         void* /*pw_cbarg*/) {
  Loader* loader = LoaderOf(loader_ptr);
  if (loader == nullptr || loader->done) return 0;
  loader->done = true;
  if (!WantsKey(loader->expect)) return 1;
  ProviderContext* provider = loader->provider;
  absl::StatusOr<v1::KeyInfo> info =
      provider->key_service().GetKey(loader->selector);
  if (!info.ok()) {
    provider->RaiseError(info.status(), "Load");
    return 0;
  }
  absl::StatusOr<std::unique_ptr<ProviderKey>> key =
      RemoteKeyFrom(provider, *info);
  if (!key.ok()) {
    provider->RaiseError(kUnsupported, key.status().message(), "Load");
    return 0;
  }
  // The key management's load takes the key and leaves null here.
  ProviderKey* reference = key->release();
  int object_type = OSSL_OBJECT_PKEY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_int(OSSL_OBJECT_PARAM_TYPE, &object_type),
      OSSL_PARAM_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE,
                             const_cast<char*>(KeyTypeName(reference->type)),
                             0),
      OSSL_PARAM_octet_string(OSSL_OBJECT_PARAM_REFERENCE, &reference,
                              sizeof reference),
      OSSL_PARAM_END,
  };
  const int result = object_callback(params, object_callback_arg);
  delete reference;
  return result;
}

int Eof(void* loader_ptr) {
  Loader* loader = LoaderOf(loader_ptr);
  return loader == nullptr || loader->done;
}

int Close(void* loader_ptr) {
  delete LoaderOf(loader_ptr);
  return 1;
}

// ExportObject refuses (see StoreFunctions).
int ExportObject(void* /*loader*/, const void* /*reference*/,
                 size_t /*reference_size*/, OSSL_CALLBACK* /*export_cb*/,
                 void* /*export_cbarg*/) {
  return 0;
}

const OSSL_DISPATCH kFunctions[] = {
    {OSSL_FUNC_STORE_OPEN, DispatchFunction(&Open)},
    {OSSL_FUNC_STORE_SETTABLE_CTX_PARAMS,
     DispatchFunction(&SettableContextParams)},
    {OSSL_FUNC_STORE_SET_CTX_PARAMS, DispatchFunction(&SetContextParams)},
    {OSSL_FUNC_STORE_LOAD, DispatchFunction(&Load)},
    {OSSL_FUNC_STORE_EOF, DispatchFunction(&Eof)},
    {OSSL_FUNC_STORE_CLOSE, DispatchFunction(&Close)},
    {OSSL_FUNC_STORE_EXPORT_OBJECT, DispatchFunction(&ExportObject)},
    {0, nullptr},
};

}  // namespace

const OSSL_DISPATCH* StoreFunctions() { return kFunctions; }

}  // namespace keyward::provider
