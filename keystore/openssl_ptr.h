#ifndef KEYWARD_KEYSTORE_OPENSSL_PTR_H_
#define KEYWARD_KEYSTORE_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace keyward::keystore {

// OpenSslDeleter calls OpenSSL's free function `Free` on a non-null pointer
// (every OpenSSL *_free accepts nullptr as well).
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* object) const { Free(object); }
};

// OpenSslBufferDeleter frees memory OpenSSL allocated for us (i2d_* output).
struct OpenSslBufferDeleter {
  void operator()(unsigned char* buffer) const { OPENSSL_free(buffer); }
};

// Owning pointers for the OpenSSL objects the keystore uses. An EvpPkeyPtr
// may hold a private key: it must never leave //keystore.
using EvpPkeyPtr =
    std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX,
                    OpenSslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr =
    std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES,
                    OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using OpenSslBufferPtr = std::unique_ptr<unsigned char, OpenSslBufferDeleter>;

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_OPENSSL_PTR_H_
