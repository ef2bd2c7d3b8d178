#include "clients/edge/site.h"

#include <openssl/x509v3.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/edge/key_loader.h"
#include "clients/edge/openssl_errors.h"

namespace keyward::edge {
namespace {

std::string CommonName(X509* certificate) {
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate),
                                NID_commonName, name, sizeof name) < 0) {
    return "(no common name)";
  }
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Site>> Site::Create(
    OSSL_LIB_CTX* libctx, const std::string& chain_file,
    const std::string& key_uri) {
  openssl::SslCtxPtr ctx(SSL_CTX_new_ex(libctx, nullptr, TLS_server_method()));
  if (ctx == nullptr) {
    return absl::InternalError(
        absl::StrCat("SSL_CTX_new_ex: ", TakeOpenSslErrors()));
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), chain_file.c_str()) != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "certificate chain ", chain_file, ": ", TakeOpenSslErrors()));
  }
  absl::StatusOr<openssl::EvpPkeyPtr> key = LoadPrivateKey(libctx, key_uri);
  if (!key.ok()) return key.status();
  if (SSL_CTX_use_PrivateKey(ctx.get(), key->get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("the key ", key_uri, " does not match the certificate ",
                     chain_file, ": ", TakeOpenSslErrors()));
  }
  std::string name = CommonName(SSL_CTX_get0_certificate(ctx.get()));
  return std::unique_ptr<Site>(new Site(std::move(ctx), std::move(name)));
}

bool Site::Covers(const char* host, bool allow_wildcards) const {
  return X509_check_host(
             SSL_CTX_get0_certificate(ctx_.get()), host, std::strlen(host),
             allow_wildcards ? 0 : X509_CHECK_FLAG_NO_WILDCARDS, nullptr) == 1;
}

}  // namespace keyward::edge
