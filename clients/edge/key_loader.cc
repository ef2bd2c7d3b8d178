#include "clients/edge/key_loader.h"

#include <openssl/store.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/edge/openssl_errors.h"

namespace keyward::edge {

absl::StatusOr<openssl::EvpPkeyPtr> LoadPrivateKey(OSSL_LIB_CTX* libctx,
                                                   const std::string& uri) {
  openssl::StoreCtxPtr store(OSSL_STORE_open_ex(uri.c_str(), libctx, nullptr,
                                                nullptr, nullptr, nullptr,
                                                nullptr, nullptr));
  if (store == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", uri, ": ", TakeOpenSslErrors()));
  }
  if (OSSL_STORE_expect(store.get(), OSSL_STORE_INFO_PKEY) != 1) {
    return absl::UnavailableError(
        absl::StrCat("cannot select keys in ", uri, ": ", TakeOpenSslErrors()));
  }
  while (OSSL_STORE_eof(store.get()) != 1) {
    openssl::StoreInfoPtr info(OSSL_STORE_load(store.get()));
    if (info == nullptr) {
      if (OSSL_STORE_error(store.get()) == 1) {
        return absl::UnavailableError(
            absl::StrCat("cannot load ", uri, ": ", TakeOpenSslErrors()));
      }
      continue;
    }
    if (OSSL_STORE_INFO_get_type(info.get()) == OSSL_STORE_INFO_PKEY) {
      return openssl::EvpPkeyPtr(OSSL_STORE_INFO_get1_PKEY(info.get()));
    }
  }
  return absl::NotFoundError(absl::StrCat(uri, " holds no private key"));
}

}  // namespace keyward::edge
