#include "service/client_ca_bundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/x509.h"

namespace keyward::service {
namespace {

// SelfSignedPem makes a fresh self-signed P-256 certificate named `name`.
std::string SelfSignedPem(const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_NAME* subject = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(
      subject, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate, subject);
  X509_set_pubkey(certificate, key);
  X509_sign(certificate, key, EVP_sha256());
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(out, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(out);
  X509_free(certificate);
  EVP_PKEY_free(key);
  return pem;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/", name);
}

TEST(CheckCaBundleTest, AcceptsOneOrMoreCertificates) {
  EXPECT_TRUE(CheckCaBundle(SelfSignedPem("a")).ok());
  EXPECT_TRUE(CheckCaBundle(SelfSignedPem("a") + SelfSignedPem("b")).ok());
  EXPECT_TRUE(
      CheckCaBundle("# comment\n" + SelfSignedPem("a") + "\ntrailer\n").ok());
}

TEST(CheckCaBundleTest, RefusesEmptyBrokenAndTruncatedBundles) {
  const std::string good = SelfSignedPem("a");
  for (const std::string& bad :
       {std::string(), std::string("not a certificate\n"),
        good.substr(0, good.size() / 2),
        good + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}) {
    EXPECT_EQ(CheckCaBundle(bad).code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ClientCaBundleTest, StagesGoodBundlesAndKeepsTheLastGoodOne) {
  const std::string source = TempPath("bundle.pem");
  const std::string first = SelfSignedPem("first");
  Write(source, first);
  absl::StatusOr<std::unique_ptr<ClientCaBundle>> bundle =
      ClientCaBundle::Create(source, absl::Hours(1));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const std::string staged = (*bundle)->staged_path();
  EXPECT_EQ(Contents(staged), first);
  struct stat directory;
  ASSERT_EQ(stat(staged.substr(0, staged.rfind('/')).c_str(), &directory), 0);
  EXPECT_EQ(directory.st_mode & 0777, 0700u);

  const std::string both = first + SelfSignedPem("second");
  Write(source, both);
  ASSERT_TRUE((*bundle)->Refresh().ok());
  EXPECT_EQ(Contents(staged), both);

  Write(source, "garbage\n");
  const absl::Status refused = (*bundle)->Refresh();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find(source), std::string::npos);
  EXPECT_EQ(Contents(staged), both);

  unlink(source.c_str());
  EXPECT_FALSE((*bundle)->Refresh().ok());
  EXPECT_EQ(Contents(staged), both);

  bundle->reset();
  EXPECT_NE(access(staged.c_str(), F_OK), 0);
}

TEST(ClientCaBundleTest, CreateNamesABadFile) {
  const std::string missing = TempPath("missing.pem");
  absl::StatusOr<std::unique_ptr<ClientCaBundle>> none =
      ClientCaBundle::Create(missing, absl::Hours(1));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find(missing), std::string::npos);
  const std::string broken = TempPath("broken.pem");
  Write(broken, "nope\n");
  absl::StatusOr<std::unique_ptr<ClientCaBundle>> bad =
      ClientCaBundle::Create(broken, absl::Hours(1));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find(broken), std::string::npos);
}

}  // namespace
}  // namespace keyward::service
