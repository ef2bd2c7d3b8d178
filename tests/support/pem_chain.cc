#include "tests/support/pem_chain.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace keyward::testing {

std::vector<std::string> ReadPemChainDer(const std::string& path) {
  std::vector<std::string> out;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"),
                                                BIO_free);
  if (bio == nullptr) {
    ADD_FAILURE() << "cannot read " << path;
    return out;
  }
  while (true) {
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (cert == nullptr) break;
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    if (length <= 0) break;
    out.emplace_back(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
  }
  ERR_clear_error();  // The end of the file reads as an error.
  EXPECT_FALSE(out.empty()) << "no certificate in " << path;
  return out;
}

std::pair<int64_t, int64_t> ValidityOf(absl::string_view certificate_der) {
  const auto* in =
      reinterpret_cast<const unsigned char*>(certificate_der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &in, static_cast<long>(certificate_der.size())),
      X509_free);
  struct tm not_before = {}, not_after = {};
  if (cert == nullptr ||
      ASN1_TIME_to_tm(X509_get0_notBefore(cert.get()), &not_before) != 1 ||
      ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &not_after) != 1) {
    ADD_FAILURE() << "certificate does not parse";
    return {0, 0};
  }
  return {timegm(&not_before), timegm(&not_after)};
}

std::string Sha256(absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(
      EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr),
      1);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string LowerHex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

}  // namespace keyward::testing
