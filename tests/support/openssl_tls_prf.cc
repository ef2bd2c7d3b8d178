#include "tests/support/openssl_tls_prf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace keyward::testing {

std::string OpenSslTlsPrf(const char* digest, absl::string_view secret,
                          absl::string_view label, absl::string_view seed,
                          size_t length) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(
      EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr), EVP_KDF_free);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(
      kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf.get()), EVP_KDF_CTX_free);
  std::string secret_copy(secret);
  std::string label_and_seed = absl::StrCat(label, seed);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
                                        secret_copy.data(), secret_copy.size()),
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_SEED, label_and_seed.data(), label_and_seed.size()),
      OSSL_PARAM_construct_end(),
  };
  std::string out(length, '\0');
  if (ctx == nullptr ||
      EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                     length, params) != 1) {
    ADD_FAILURE() << "TLS1-PRF failed";
    return "";
  }
  return out;
}

}  // namespace keyward::testing
