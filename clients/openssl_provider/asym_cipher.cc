#include "clients/openssl_provider/asym_cipher.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <cstring>

#include "clients/openssl_provider/dispatch.h"
#include "clients/openssl_provider/provider_key.h"

namespace keyward::provider {
namespace {

// kPreMasterSecretLength: RFC 5246 §7.4.7.1.
constexpr size_t kPreMasterSecretLength = 48;

// DecryptContext: one decryption.
struct DecryptContext {
  explicit DecryptContext(ProviderContext* provider) : provider(provider) {}

  ProviderContext* const provider;
  // Not owned: libcrypto keeps the key alive while the operation exists.
  const ProviderKey* key = nullptr;
  int padding = RSA_PKCS1_PADDING;
  unsigned int client_version = 0;
};

DecryptContext* ContextOf(void* context) {
  return static_cast<DecryptContext*>(context);
}

void* NewContext(void* provctx) {
  return new DecryptContext(static_cast<ProviderContext*>(provctx));
}

void FreeContext(void* context) { delete ContextOf(context); }

void* DupContext(void* context) {
  return new DecryptContext(*ContextOf(context));
}

// ParsePadding reads "pad-mode", as OpenSSL's ctrl translation sends it
// (an integer) or by name (only the TLS mode is recognised).
bool ParsePadding(const OSSL_PARAM& param, int* out) {
  if (param.data_type == OSSL_PARAM_UTF8_STRING) {
    const char* name = nullptr;
    if (OSSL_PARAM_get_utf8_string_ptr(&param, &name) != 1) return false;
    *out = std::strcmp(name, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) == 0
               ? RSA_PKCS1_PADDING
               : RSA_NO_PADDING;
    return true;
  }
  return OSSL_PARAM_get_int(&param, out) == 1;
}

int SetContextParams(void* context_ptr, const OSSL_PARAM params[]) {
  DecryptContext* context = ContextOf(context_ptr);
  if (context == nullptr) return 0;
  if (params == nullptr) return 1;
  if (const OSSL_PARAM* p =
          OSSL_PARAM_locate_const(params, OSSL_ASYM_CIPHER_PARAM_PAD_MODE)) {
    if (!ParsePadding(*p, &context->padding)) return 0;
  }
  if (const OSSL_PARAM* p = OSSL_PARAM_locate_const(
          params, OSSL_ASYM_CIPHER_PARAM_TLS_CLIENT_VERSION)) {
    if (OSSL_PARAM_get_uint(p, &context->client_version) != 1) return 0;
  }
  return 1;
}

constexpr OSSL_PARAM kSettable[] = {
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, nullptr, 0),
    OSSL_PARAM_uint(OSSL_ASYM_CIPHER_PARAM_TLS_CLIENT_VERSION, nullptr),
    OSSL_PARAM_uint(OSSL_ASYM_CIPHER_PARAM_TLS_NEGOTIATED_VERSION, nullptr),
    OSSL_PARAM_END,
};

const OSSL_PARAM* SettableContextParams(void* /*context*/, void* /*provctx*/) {
  return kSettable;
}

int DecryptInit(void* context_ptr, void* keydata, const OSSL_PARAM params[]) {
  DecryptContext* context = ContextOf(context_ptr);
  const ProviderKey* key = static_cast<const ProviderKey*>(keydata);
  if (context == nullptr || key == nullptr) return 0;
  if (key->type != KeyType::kRsa || !key->has_private()) {
    context->provider->RaiseError(
        kNoPrivateKey, "the key has no private half in the key service",
        "DecryptInit");
    return 0;
  }
  context->key = key;
  context->padding = RSA_PKCS1_PADDING;
  context->client_version = 0;
  return SetContextParams(context, params);
}

int Decrypt(void* context_ptr, unsigned char* out, size_t* out_length,
            size_t out_size, const unsigned char* in, size_t in_length) {
  DecryptContext* context = ContextOf(context_ptr);
  if (context == nullptr || context->key == nullptr) return 0;
  if (context->padding != RSA_PKCS1_WITH_TLS_PADDING) {
    context->provider->RaiseError(
        kUnsupported,
        "the key service decrypts TLS pre-master secrets only "
        "(RSA_PKCS1_WITH_TLS_PADDING)",
        "Decrypt");
    return 0;
  }
  if (out == nullptr) {
    *out_length = kPreMasterSecretLength;
    return 1;
  }
  if (out_size < kPreMasterSecretLength || context->client_version == 0 ||
      context->client_version > 0xffff) {
    context->provider->RaiseError(
        kInvalidArgument,
        "a TLS pre-master needs 48 bytes of room and the client version",
        "Decrypt");
    return 0;
  }
  absl::Status decrypted = context->provider->key_service().DecryptPreMaster(
      context->key->key_id,
      absl::string_view(reinterpret_cast<const char*>(in), in_length),
      static_cast<uint16_t>(context->client_version),
      absl::Span<uint8_t>(out, kPreMasterSecretLength));
  if (!decrypted.ok()) {
    context->provider->RaiseError(decrypted, "Decrypt");
    return 0;
  }
  *out_length = kPreMasterSecretLength;
  return 1;
}

const OSSL_DISPATCH kFunctions[] = {
    {OSSL_FUNC_ASYM_CIPHER_NEWCTX, DispatchFunction(&NewContext)},
    {OSSL_FUNC_ASYM_CIPHER_FREECTX, DispatchFunction(&FreeContext)},
    {OSSL_FUNC_ASYM_CIPHER_DUPCTX, DispatchFunction(&DupContext)},
    {OSSL_FUNC_ASYM_CIPHER_DECRYPT_INIT, DispatchFunction(&DecryptInit)},
    {OSSL_FUNC_ASYM_CIPHER_DECRYPT, DispatchFunction(&Decrypt)},
    {OSSL_FUNC_ASYM_CIPHER_SET_CTX_PARAMS, DispatchFunction(&SetContextParams)},
    {OSSL_FUNC_ASYM_CIPHER_SETTABLE_CTX_PARAMS,
     DispatchFunction(&SettableContextParams)},
    {0, nullptr},
};

}  // namespace

const OSSL_DISPATCH* RsaAsymCipherFunctions() { return kFunctions; }

}  // namespace keyward::provider
