#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_OPENSSL_PTR_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/store.h>
#include <openssl/x509.h>

#include <memory>

namespace keyward::openssl {

// OpenSslDeleter calls OpenSSL's free function `Free` (which accepts
// nullptr) on the pointer it owns.
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* object) const { Free(object); }
};

// StoreCtxDeleter closes an OSSL_STORE_CTX (OSSL_STORE_close returns int).
struct StoreCtxDeleter {
  void operator()(OSSL_STORE_CTX* store) const { OSSL_STORE_close(store); }
};

// Owning pointers for the OpenSSL objects of the provider, the edge server
// and their tests. None of them ever holds a private key: the provider's
// keys are public halves, the private halves live in the key service.
using EvpPkeyPtr =
    std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX,
                    OpenSslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdPtr = std::unique_ptr<EVP_MD, OpenSslDeleter<EVP_MD, EVP_MD_free>>;
using EvpMdCtxPtr =
    std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using LibCtxPtr =
    std::unique_ptr<OSSL_LIB_CTX,
                    OpenSslDeleter<OSSL_LIB_CTX, OSSL_LIB_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using SslCtxPtr =
    std::unique_ptr<SSL_CTX, OpenSslDeleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<SSL, SSL_free>>;
using StoreCtxPtr = std::unique_ptr<OSSL_STORE_CTX, StoreCtxDeleter>;
using StoreInfoPtr =
    std::unique_ptr<OSSL_STORE_INFO,
                    OpenSslDeleter<OSSL_STORE_INFO, OSSL_STORE_INFO_free>>;

}  // namespace keyward::openssl

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_OPENSSL_PTR_H_
