#include "clients/edge/testing/certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/openssl_provider/openssl_ptr.h"

namespace keyward::edge::testing {
namespace {

// Sha256Hex hashes DER made by `i2d` from `object`.
template <typename T>
std::string Sha256Hex(T* object, int (*i2d)(const T*, unsigned char**)) {
  unsigned char* der = nullptr;
  const int length = i2d(object, &der);
  if (length <= 0) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<size_t>(length), digest, &digest_length,
             EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
}

}  // namespace

absl::StatusOr<LeafCertificate> ParseLeafPem(absl::string_view pem) {
  openssl::BioPtr bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  openssl::X509Ptr certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) {
    return absl::InvalidArgumentError("no PEM certificate");
  }
  LeafCertificate out;
  out.sha256 = Sha256Hex<X509>(certificate.get(), &i2d_X509);
  out.key_id = Sha256Hex<X509_PUBKEY>(X509_get_X509_PUBKEY(certificate.get()),
                                      &i2d_X509_PUBKEY);
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()),
                                NID_commonName, name, sizeof name) > 0) {
    out.common_name = name;
  }
  return out;
}

absl::StatusOr<LeafCertificate> ReadLeafCertificate(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseLeafPem(text.str());
}

}  // namespace keyward::edge::testing
