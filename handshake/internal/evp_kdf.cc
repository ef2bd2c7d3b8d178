#include "handshake/internal/evp_kdf.h"

#include <openssl/kdf.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "handshake/internal/openssl_error.h"

namespace keyward::handshake::internal {
namespace {

struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// Fetched returns OpenSSL's implementation of `kdf_name`. HKDF and TLS1-PRF
// are fetched once for the process, since a fetch costs about a fifth of a
// whole derivation; EVP_KDF objects are immutable and safe to share. Other
// names are fetched on each call. Null if OpenSSL has no such KDF.
std::unique_ptr<EVP_KDF, KdfDeleter> Fetched(const char* kdf_name) {
  const absl::string_view name = kdf_name;
  EVP_KDF* shared = nullptr;
  if (name == "HKDF") {
    static EVP_KDF* const hkdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    shared = hkdf;
  } else if (name == "TLS1-PRF") {
    static EVP_KDF* const prf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
    shared = prf;
  } else {
    return std::unique_ptr<EVP_KDF, KdfDeleter>(
        EVP_KDF_fetch(/*libctx=*/nullptr, kdf_name, /*properties=*/nullptr));
  }
  // The caller's reference, released by KdfDeleter like a fetched one.
  if (shared == nullptr || EVP_KDF_up_ref(shared) != 1) return nullptr;
  return std::unique_ptr<EVP_KDF, KdfDeleter>(shared);
}

}  // namespace

OSSL_PARAM OctetParam(const char* key, absl::Span<const uint8_t> bytes) {
  // OpenSSL only reads parameters passed to EVP_KDF_derive; the cast is for
  // its non-const signature.
  static const uint8_t kEmpty = 0;
  const uint8_t* data = bytes.empty() ? &kEmpty : bytes.data();
  return OSSL_PARAM_construct_octet_string(key, const_cast<uint8_t*>(data),
                                           bytes.size());
}

absl::StatusOr<SecretBytes> DeriveWithKdf(const char* kdf_name,
                                          const OSSL_PARAM* params,
                                          std::size_t out_length) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf = Fetched(kdf_name);
  if (kdf == nullptr) {
    return OpenSslError(absl::StrCat("EVP_KDF_fetch(", kdf_name, ")"));
  }
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (ctx == nullptr) return OpenSslError("EVP_KDF_CTX_new");
  SecretBytes out(out_length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return OpenSslError(absl::StrCat("EVP_KDF_derive(", kdf_name, ")"));
  }
  return out;
}

}  // namespace keyward::handshake::internal
