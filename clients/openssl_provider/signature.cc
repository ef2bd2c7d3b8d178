#include "clients/openssl_provider/signature.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/openssl_provider/dispatch.h"
#include "clients/openssl_provider/scheme_mapping.h"

namespace keyward::provider {
namespace {

// SignatureContext: one signing operation.
struct SignatureContext {
  SignatureContext(ProviderContext* provider, KeyType type)
      : provider(provider), type(type) {}

  ProviderContext* const provider;
  const KeyType type;
  // Not owned: libcrypto keeps the key alive while the operation exists.
  const ProviderKey* key = nullptr;
  // The signature's hash; null for Ed25519 and before it is known.
  openssl::EvpMdPtr md;
  // digest_sign_update's running hash (RSA, ECDSA) or message (Ed25519).
  openssl::EvpMdCtxPtr hash;
  std::string message;
  int padding = RSA_PKCS1_PADDING;
  int salt_length = RSA_PSS_SALTLEN_DIGEST;
  // NID of the requested MGF1 hash; NID_undef: the signature's hash.
  int mgf1_nid = NID_undef;
};

SignatureContext* ContextOf(void* context) {
  return static_cast<SignatureContext*>(context);
}

template <KeyType kType>
void* NewContext(void* provctx, const char* /*propq*/) {
  return new SignatureContext(static_cast<ProviderContext*>(provctx), kType);
}

void FreeContext(void* context) { delete ContextOf(context); }

void* DupContext(void* context) {
  const SignatureContext* from = ContextOf(context);
  auto copy = std::make_unique<SignatureContext>(from->provider, from->type);
  copy->key = from->key;
  if (from->md != nullptr) {
    EVP_MD_up_ref(from->md.get());
    copy->md.reset(from->md.get());
  }
  if (from->hash != nullptr) {
    copy->hash.reset(EVP_MD_CTX_new());
    if (copy->hash == nullptr ||
        EVP_MD_CTX_copy_ex(copy->hash.get(), from->hash.get()) != 1) {
      return nullptr;
    }
  }
  copy->message = from->message;
  copy->padding = from->padding;
  copy->salt_length = from->salt_length;
  copy->mgf1_nid = from->mgf1_nid;
  return copy.release();
}

// FetchDigest fetches `name` in the provider's library context; raises an
// error naming it when there is no such digest.
openssl::EvpMdPtr FetchDigest(const SignatureContext& context,
                              const char* name) {
  ERR_set_mark();
  openssl::EvpMdPtr md(EVP_MD_fetch(context.provider->libctx(), name, nullptr));
  ERR_pop_to_mark();
  if (md == nullptr) {
    context.provider->RaiseError(
        kUnsupported, absl::StrCat("unknown digest ", name), "FetchDigest");
  }
  return md;
}

// ParsePadding reads "pad-mode", as OpenSSL's ctrl translation sends it
// (an integer) or as a name.
bool ParsePadding(const OSSL_PARAM& param, int* out) {
  if (param.data_type == OSSL_PARAM_UTF8_STRING) {
    const char* name = nullptr;
    if (OSSL_PARAM_get_utf8_string_ptr(&param, &name) != 1) return false;
    if (std::strcmp(name, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) == 0) {
      *out = RSA_PKCS1_PADDING;
    } else if (std::strcmp(name, OSSL_PKEY_RSA_PAD_MODE_PSS) == 0) {
      *out = RSA_PKCS1_PSS_PADDING;
    } else {
      *out = RSA_NO_PADDING;
    }
    return true;
  }
  return OSSL_PARAM_get_int(&param, out) == 1;
}

// ParseSaltLength reads "saltlen": an integer, a decimal string, or one of
// the names "digest", "max", "auto".
bool ParseSaltLength(const OSSL_PARAM& param, int* out) {
  if (param.data_type != OSSL_PARAM_UTF8_STRING) {
    return OSSL_PARAM_get_int(&param, out) == 1;
  }
  const char* name = nullptr;
  if (OSSL_PARAM_get_utf8_string_ptr(&param, &name) != 1) return false;
  if (std::strcmp(name, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST) == 0) {
    *out = RSA_PSS_SALTLEN_DIGEST;
  } else if (std::strcmp(name, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX) == 0) {
    *out = RSA_PSS_SALTLEN_MAX;
  } else if (std::strcmp(name, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO) == 0) {
    *out = RSA_PSS_SALTLEN_AUTO;
  } else {
    return absl::SimpleAtoi(name, out);
  }
  return true;
}

int SetContextParams(void* context_ptr, const OSSL_PARAM params[]) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr) return 0;
  if (params == nullptr) return 1;
  const char* failing = nullptr;
  for (const OSSL_PARAM* p = params; p->key != nullptr; ++p) {
    if (std::strcmp(p->key, OSSL_SIGNATURE_PARAM_DIGEST) == 0) {
      const char* name = nullptr;
      if (OSSL_PARAM_get_utf8_string_ptr(p, &name) != 1) return 0;
      openssl::EvpMdPtr md = FetchDigest(*context, name);
      if (md == nullptr) return 0;
      context->md = std::move(md);
      if (context->hash != nullptr &&
          EVP_DigestInit_ex2(context->hash.get(), context->md.get(), nullptr) !=
              1) {
        return 0;
      }
    } else if (context->type != KeyType::kRsa) {
      continue;
    } else if (std::strcmp(p->key, OSSL_SIGNATURE_PARAM_PAD_MODE) == 0) {
      int padding = 0;
      if (!ParsePadding(*p, &padding)) return 0;
      if (padding != RSA_PKCS1_PADDING && padding != RSA_PKCS1_PSS_PADDING) {
        failing = "padding other than PKCS#1 v1.5 and PSS";
        break;
      }
      context->padding = padding;
    } else if (std::strcmp(p->key, OSSL_SIGNATURE_PARAM_PSS_SALTLEN) == 0) {
      int salt_length = 0;
      if (!ParseSaltLength(*p, &salt_length)) return 0;
      if (salt_length != RSA_PSS_SALTLEN_DIGEST && salt_length < 0) {
        failing = "a PSS salt length other than the digest's";
        break;
      }
      context->salt_length = salt_length;
    } else if (std::strcmp(p->key, OSSL_SIGNATURE_PARAM_MGF1_DIGEST) == 0) {
      const char* name = nullptr;
      if (OSSL_PARAM_get_utf8_string_ptr(p, &name) != 1) return 0;
      openssl::EvpMdPtr md = FetchDigest(*context, name);
      if (md == nullptr) return 0;
      context->mgf1_nid = EVP_MD_get_type(md.get());
    }
  }
  if (failing != nullptr) {
    context->provider->RaiseError(kUnsupported, failing, "SetContextParams");
    return 0;
  }
  return 1;
}

constexpr OSSL_PARAM kRsaSettable[] = {
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEcdsaSettable[] = {
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, nullptr, 0),
    OSSL_PARAM_END,
};
constexpr OSSL_PARAM kEd25519Settable[] = {OSSL_PARAM_END};

template <KeyType kType>
const OSSL_PARAM* SettableContextParams(void* /*context*/, void* /*provctx*/) {
  switch (kType) {
    case KeyType::kRsa:
      return kRsaSettable;
    case KeyType::kEc:
      return kEcdsaSettable;
    case KeyType::kEd25519:
      return kEd25519Settable;
  }
  return nullptr;
}

// InitKey starts an operation with `keydata`, which must have its private
// half in the key service; resets the operation's state.
bool InitKey(SignatureContext* context, void* keydata, const char* function) {
  const ProviderKey* key = static_cast<const ProviderKey*>(keydata);
  if (key != nullptr) {
    if (key->type != context->type || !key->has_private()) {
      context->provider->RaiseError(
          kNoPrivateKey, "the key has no private half in the key service",
          function);
      return false;
    }
    context->key = key;
  }
  if (context->key == nullptr) return false;
  context->md.reset();
  context->hash.reset();
  context->message.clear();
  context->padding = RSA_PKCS1_PADDING;
  context->salt_length = RSA_PSS_SALTLEN_DIGEST;
  context->mgf1_nid = NID_undef;
  return true;
}

// DefaultDigestName: the hash of a signature whose caller names none.
const char* DefaultDigestName(v1::KeyAlgorithm algorithm) {
  return algorithm == v1::KEY_ALGORITHM_ECDSA_P384 ? "SHA384" : "SHA256";
}

// CheckScheme raises an error unless the key service has a scheme for the
// key and `md` (with any padding: the padding may still change).
bool CheckScheme(const SignatureContext& context, const EVP_MD* md,
                 const char* function) {
  absl::StatusOr<v1::SignatureScheme> scheme = SignatureSchemeFor(
      context.key->algorithm, md == nullptr ? NID_undef : EVP_MD_get_type(md),
      RSA_PKCS1_PADDING);
  if (!scheme.ok()) {
    context.provider->RaiseError(kUnsupported, scheme.status().message(),
                                 function);
    return false;
  }
  return true;
}

int DigestSignInit(void* context_ptr, const char* mdname, void* keydata,
                   const OSSL_PARAM params[]) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || !InitKey(context, keydata, "DigestSignInit")) {
    return 0;
  }
  if (context->type == KeyType::kEd25519) {
    if (mdname != nullptr && mdname[0] != '\0') {
      context->provider->RaiseError(kUnsupported,
                                    "Ed25519 signs messages, without a digest",
                                    "DigestSignInit");
      return 0;
    }
    return SetContextParams(context, params);
  }
  context->md =
      FetchDigest(*context, mdname != nullptr && mdname[0] != '\0'
                                ? mdname
                                : DefaultDigestName(context->key->algorithm));
  if (context->md == nullptr ||
      !CheckScheme(*context, context->md.get(), "DigestSignInit")) {
    return 0;
  }
  context->hash.reset(EVP_MD_CTX_new());
  if (context->hash == nullptr ||
      EVP_DigestInit_ex2(context->hash.get(), context->md.get(), nullptr) !=
          1) {
    return 0;
  }
  return SetContextParams(context, params);
}

// SignatureSize: the largest signature the key makes.
size_t SignatureSize(const SignatureContext& context) {
  return static_cast<size_t>(EVP_PKEY_get_size(context.key->public_key.get()));
}

// RemoteSign has the key service sign `input` (a digest of context.md, or
// the message for Ed25519) and writes the signature to `out`.
int RemoteSign(SignatureContext& context, SignInput kind,
               absl::string_view input, unsigned char* out, size_t* out_length,
               size_t out_size) {
  const int md_nid =
      context.md == nullptr ? NID_undef : EVP_MD_get_type(context.md.get());
  absl::StatusOr<v1::SignatureScheme> scheme =
      SignatureSchemeFor(context.key->algorithm, md_nid, context.padding);
  if (!scheme.ok()) {
    context.provider->RaiseError(kUnsupported, scheme.status().message(),
                                 "RemoteSign");
    return 0;
  }
  if (context.padding == RSA_PKCS1_PSS_PADDING &&
      ((context.salt_length != RSA_PSS_SALTLEN_DIGEST &&
        context.salt_length != EVP_MD_get_size(context.md.get())) ||
       (context.mgf1_nid != NID_undef && context.mgf1_nid != md_nid))) {
    context.provider->RaiseError(
        kUnsupported,
        "RSA-PSS needs MGF1 with the signature's hash and a salt of its length",
        "RemoteSign");
    return 0;
  }
  absl::StatusOr<std::string> signature = context.provider->key_service().Sign(
      context.key->key_id, *scheme, kind, input);
  if (!signature.ok()) {
    context.provider->RaiseError(signature.status(), "RemoteSign");
    return 0;
  }
  if (signature->size() > out_size) {
    context.provider->RaiseError(
        kInvalidArgument, "the signature buffer is too small", "RemoteSign");
    return 0;
  }
  std::memcpy(out, signature->data(), signature->size());
  *out_length = signature->size();
  return 1;
}

absl::string_view View(const unsigned char* data, size_t length) {
  return absl::string_view(reinterpret_cast<const char*>(data), length);
}

int DigestSignUpdate(void* context_ptr, const unsigned char* data,
                     size_t length) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || context->key == nullptr) return 0;
  if (context->type == KeyType::kEd25519) {
    context->message.append(reinterpret_cast<const char*>(data), length);
    return 1;
  }
  return context->hash != nullptr &&
         EVP_DigestUpdate(context->hash.get(), data, length) == 1;
}

int DigestSignFinal(void* context_ptr, unsigned char* signature,
                    size_t* signature_length, size_t signature_size) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || context->key == nullptr) return 0;
  if (signature == nullptr) {
    *signature_length = SignatureSize(*context);
    return 1;
  }
  if (context->type == KeyType::kEd25519) {
    return RemoteSign(*context, SignInput::kMessage, context->message,
                      signature, signature_length, signature_size);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (context->hash == nullptr ||
      EVP_DigestFinal_ex(context->hash.get(), digest, &digest_length) != 1) {
    return 0;
  }
  return RemoteSign(*context, SignInput::kDigest, View(digest, digest_length),
                    signature, signature_length, signature_size);
}

int DigestSign(void* context_ptr, unsigned char* signature,
               size_t* signature_length, size_t signature_size,
               const unsigned char* tbs, size_t tbs_length) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || context->key == nullptr) return 0;
  if (signature == nullptr) {
    *signature_length = SignatureSize(*context);
    return 1;
  }
  if (context->type == KeyType::kEd25519) {
    return RemoteSign(*context, SignInput::kMessage, View(tbs, tbs_length),
                      signature, signature_length, signature_size);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (context->md == nullptr ||
      EVP_Digest(tbs, tbs_length, digest, &digest_length, context->md.get(),
                 nullptr) != 1) {
    return 0;
  }
  return RemoteSign(*context, SignInput::kDigest, View(digest, digest_length),
                    signature, signature_length, signature_size);
}

int SignInit(void* context_ptr, void* keydata, const OSSL_PARAM params[]) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || !InitKey(context, keydata, "SignInit")) return 0;
  return SetContextParams(context, params);
}

// DigestNameForLength: the hash implied by a digest's length when the
// caller of sign() set none.
const char* DigestNameForLength(size_t length) {
  switch (length) {
    case 32:
      return "SHA256";
    case 48:
      return "SHA384";
    case 64:
      return "SHA512";
    default:
      return nullptr;
  }
}

int Sign(void* context_ptr, unsigned char* signature, size_t* signature_length,
         size_t signature_size, const unsigned char* digest,
         size_t digest_length) {
  SignatureContext* context = ContextOf(context_ptr);
  if (context == nullptr || context->key == nullptr) return 0;
  if (signature == nullptr) {
    *signature_length = SignatureSize(*context);
    return 1;
  }
  if (context->md == nullptr) {
    const char* name = DigestNameForLength(digest_length);
    if (name == nullptr) {
      context->provider->RaiseError(kInvalidArgument,
                                    "no digest of this length", "Sign");
      return 0;
    }
    context->md = FetchDigest(*context, name);
    if (context->md == nullptr) return 0;
  }
  if (digest_length !=
      static_cast<size_t>(EVP_MD_get_size(context->md.get()))) {
    context->provider->RaiseError(kInvalidArgument,
                                  "the digest's length does not match its hash",
                                  "Sign");
    return 0;
  }
  return RemoteSign(*context, SignInput::kDigest, View(digest, digest_length),
                    signature, signature_length, signature_size);
}

template <KeyType kType>
const OSSL_DISPATCH kFunctions[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, DispatchFunction(&NewContext<kType>)},
    {OSSL_FUNC_SIGNATURE_FREECTX, DispatchFunction(&FreeContext)},
    {OSSL_FUNC_SIGNATURE_DUPCTX, DispatchFunction(&DupContext)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, DispatchFunction(&DigestSignInit)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE,
     DispatchFunction(&DigestSignUpdate)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, DispatchFunction(&DigestSignFinal)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, DispatchFunction(&DigestSign)},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, DispatchFunction(&SetContextParams)},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
     DispatchFunction(&SettableContextParams<kType>)},
    // RSA and ECDSA only; for Ed25519 this entry ends the table.
    {kType == KeyType::kEd25519 ? 0 : OSSL_FUNC_SIGNATURE_SIGN_INIT,
     DispatchFunction(&SignInit)},
    {OSSL_FUNC_SIGNATURE_SIGN, DispatchFunction(&Sign)},
    {0, nullptr},
};

}  // namespace

const OSSL_DISPATCH* SignatureFunctions(KeyType type) {
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
