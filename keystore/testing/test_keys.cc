#include "keystore/testing/test_keys.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace keyward::keystore::testing {
namespace {

absl::Status Failed(absl::string_view what) {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return absl::InternalError(
      absl::StrCat(what, " failed: ", reason == nullptr ? "?" : reason));
}

absl::StatusOr<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  if (length < 0) return Failed("BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(length));
}

template <typename Write>
absl::StatusOr<std::string> WritePem(absl::string_view what, Write write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) return Failed(what);
  return BioContents(bio.get());
}

}  // namespace

absl::StatusOr<EvpPkeyPtr> GenerateKey(absl::string_view kind) {
  EVP_PKEY* key = nullptr;
  int bits = 0;
  if (absl::ConsumePrefix(&kind, "rsa-") && absl::SimpleAtoi(kind, &bits)) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  } else if (kind == "p256" || kind == "p384" || kind == "p521") {
    const char* curve = kind == "p256"   ? "P-256"
                        : kind == "p384" ? "P-384"
                                         : "P-521";
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  } else if (kind == "ed25519") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown key kind ", kind));
  }
  if (key == nullptr) return Failed("EVP_PKEY_Q_keygen");
  return EvpPkeyPtr(key);
}

absl::StatusOr<X509Ptr> SelfSignedCertificate(
    EVP_PKEY* key, const CertificateOptions& options) {
  X509Ptr certificate(X509_new());
  if (certificate == nullptr) return Failed("X509_new");
  X509* x = certificate.get();
  X509_NAME* name = X509_get_subject_name(x);
  if (X509_set_version(x, X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(x), 1) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(x),
                    absl::ToTimeT(options.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x), absl::ToTimeT(options.not_after)) ==
          nullptr ||
      X509_set_pubkey(x, key) != 1 ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>(options.common_name.c_str()),
          -1, -1, 0) != 1 ||
      X509_set_issuer_name(x, name) != 1) {
    return Failed("building the certificate");
  }
  if (!options.dns_names.empty()) {
    const std::string value =
        absl::StrCat("DNS:", absl::StrJoin(options.dns_names, ",DNS:"));
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(
        nullptr, nullptr, NID_subject_alt_name, value.c_str());
    if (extension == nullptr) return Failed("X509V3_EXT_conf_nid");
    const int added = X509_add_ext(x, extension, -1);
    X509_EXTENSION_free(extension);
    if (added != 1) return Failed("X509_add_ext");
  }
  const EVP_MD* md = EVP_PKEY_is_a(key, "ED25519") ? nullptr : EVP_sha256();
  if (X509_sign(x, key, md) <= 0) return Failed("X509_sign");
  return certificate;
}

absl::StatusOr<std::string> Pkcs8Pem(EVP_PKEY* key) {
  return WritePem("PEM_write_bio_PKCS8PrivateKey", [key](BIO* bio) {
    return PEM_write_bio_PKCS8PrivateKey(bio, key, nullptr, nullptr, 0, nullptr,
                                         nullptr);
  });
}

absl::StatusOr<std::string> TraditionalPem(EVP_PKEY* key) {
  return WritePem("PEM_write_bio_PrivateKey_traditional", [key](BIO* bio) {
    return PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0,
                                                nullptr, nullptr);
  });
}

absl::StatusOr<std::string> EncryptedPkcs8Pem(EVP_PKEY* key,
                                              absl::string_view passphrase) {
  return WritePem("PEM_write_bio_PKCS8PrivateKey", [&](BIO* bio) {
    return PEM_write_bio_PKCS8PrivateKey(
        bio, key, EVP_aes_256_cbc(), passphrase.data(),
        static_cast<int>(passphrase.size()), nullptr, nullptr);
  });
}

absl::StatusOr<std::string> CertificatePem(X509* certificate) {
  return WritePem("PEM_write_bio_X509", [certificate](BIO* bio) {
    return PEM_write_bio_X509(bio, certificate);
  });
}

absl::StatusOr<std::string> FreshDirectory(absl::string_view name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path =
      absl::StrCat(tmp == nullptr ? "/tmp" : tmp, "/", name);
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (!std::filesystem::create_directories(path, error) || error) {
    return absl::InternalError(absl::StrCat("cannot create ", path));
  }
  return path;
}

absl::Status WriteFile(const std::string& path, absl::string_view contents,
                       mode_t mode) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      error);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out || chmod(path.c_str(), mode) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

absl::Status WriteKeyAndCertificate(const std::string& directory,
                                    absl::string_view stem, EVP_PKEY* key,
                                    X509* certificate,
                                    absl::string_view extra_chain_pem) {
  absl::StatusOr<std::string> key_pem = Pkcs8Pem(key);
  if (!key_pem.ok()) return key_pem.status();
  absl::StatusOr<std::string> chain_pem = CertificatePem(certificate);
  if (!chain_pem.ok()) return chain_pem.status();
  const std::string base = absl::StrCat(directory, "/keys/", stem);
  if (absl::Status status = WriteFile(base + ".key", *key_pem, 0600);
      !status.ok()) {
    return status;
  }
  return WriteFile(base + ".crt", absl::StrCat(*chain_pem, extra_chain_pem),
                   0644);
}

std::string ManifestKey(absl::string_view name, int version,
                        absl::string_view stem, absl::string_view extra) {
  return absl::StrCat("key {\n  name: \"", name, "\"\n  version: ", version,
                      "\n  private_key_file: \"keys/", stem,
                      ".key\"\n  certificate_chain_file: \"keys/", stem,
                      ".crt\"\n  allow {\n    identity: \"spiffe://test/*\"\n"
                      "    operations: [OPERATION_SIGN_STRUCTURED, "
                      "OPERATION_SIGN_RAW, OPERATION_RSA_KEY_EXCHANGE]\n  }\n",
                      extra, "}\n");
}

}  // namespace keyward::keystore::testing
