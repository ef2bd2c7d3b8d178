#include "service/identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "grpc/grpc_security_constants.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::HasSubstr;

// A subjectAltName entry: GEN_URI, GEN_DNS or GEN_EMAIL and its bytes.
using San = std::pair<int, std::string>;

// MakeCertificatePem returns a self-signed Ed25519 certificate with subject
// commonName `cn` (none when empty) and the given subjectAltNames (no
// extension when empty). Fails the test on any OpenSSL error.
std::string MakeCertificatePem(const std::string& cn,
                               const std::vector<San>& sans) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (key == nullptr || cert == nullptr) {
    ADD_FAILURE() << "keygen";
    return "";
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  bool ok = X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600) != nullptr &&
            X509_NAME_add_entry_by_txt(
                name, "O", MBSTRING_ASC,
                reinterpret_cast<const unsigned char*>("Keyward Test"), -1, -1,
                0) == 1;
  if (!cn.empty()) {
    ok = ok && X509_NAME_add_entry_by_txt(
                   name, "CN", MBSTRING_ASC,
                   reinterpret_cast<const unsigned char*>(cn.data()),
                   static_cast<int>(cn.size()), -1, 0) == 1;
  }
  ok = ok && X509_set_issuer_name(cert.get(), name) == 1 &&
       X509_set_pubkey(cert.get(), key.get()) == 1;
  if (!sans.empty()) {
    std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)> names(
        sk_GENERAL_NAME_new_null(), GENERAL_NAMES_free);
    for (const auto& [type, value] : sans) {
      GENERAL_NAME* general = GENERAL_NAME_new();
      ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
      ok = ok && general != nullptr && ia5 != nullptr &&
           ASN1_STRING_set(ia5, value.data(), static_cast<int>(value.size())) ==
               1;
      GENERAL_NAME_set0_value(general, type, ia5);
      ok = ok && sk_GENERAL_NAME_push(names.get(), general) > 0;
    }
    ok = ok && X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(),
                                 0, 0) == 1;
  }
  ok = ok && X509_sign(cert.get(), key.get(), nullptr) > 0;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ok = ok && bio != nullptr && PEM_write_bio_X509(bio.get(), cert.get()) == 1;
  if (!ok) {
    ADD_FAILURE() << "cannot build the certificate";
    return "";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);  // NOLINT
  return std::string(data, length);
}

TEST(IdentityTest, PrefersTheUriSan) {
  const std::string pem = MakeCertificatePem(
      "edge-a", {{GEN_DNS, "edge.example.test"},
                 {GEN_URI, "spiffe://keyward.dev/edge/a"},
                 {GEN_URI, "spiffe://keyward.dev/edge/other"}});
  absl::StatusOr<std::string> identity = IdentityFromCertificatePem(pem);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(*identity, "spiffe://keyward.dev/edge/a");
}

TEST(IdentityTest, ThenTheDnsSan) {
  const std::string pem = MakeCertificatePem(
      "edge-a",
      {{GEN_EMAIL, "ops@example.test"}, {GEN_DNS, "edge.example.test"}});
  absl::StatusOr<std::string> identity = IdentityFromCertificatePem(pem);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(*identity, "edge.example.test");
}

TEST(IdentityTest, ThenTheCommonName) {
  for (const std::vector<San>& sans :
       {std::vector<San>{}, std::vector<San>{{GEN_EMAIL, "a@example.test"}}}) {
    absl::StatusOr<std::string> identity =
        IdentityFromCertificatePem(MakeCertificatePem("edge-a", sans));
    ASSERT_TRUE(identity.ok()) << identity.status();
    EXPECT_EQ(*identity, "edge-a");
  }
}

TEST(IdentityTest, RefusesACertificateWithoutAName) {
  EXPECT_EQ(IdentityFromCertificatePem(MakeCertificatePem("", {})).status(),
            absl::UnauthenticatedError("client certificate: no URI or DNS "
                                       "subjectAltName and no commonName"));
}

TEST(IdentityTest, RefusesNamesThatCouldImpersonate) {
  const std::string kBad[] = {
      std::string("spiffe://keyward.dev/edge/a\0b", 29),
      "spiffe://keyward.dev/edge/a\n",
      "spiffe://keyward.dev/edge/a b",
      "spiffe://keyward.dev/edge/\x7f",
      "spiffe://keyward.dev/edge/\xc3\xa9",
      "",
      std::string(kMaxIdentityLength + 1, 'x'),
  };
  for (const std::string& bad : kBad) {
    absl::StatusOr<std::string> identity =
        IdentityFromCertificatePem(MakeCertificatePem("cn", {{GEN_URI, bad}}));
    EXPECT_EQ(identity.status().code(), absl::StatusCode::kUnauthenticated)
        << bad;
  }
  absl::StatusOr<std::string> longest =
      IdentityFromCertificatePem(MakeCertificatePem(
          "cn", {{GEN_URI, std::string(kMaxIdentityLength, 'x')}}));
  EXPECT_TRUE(longest.ok()) << longest.status();
}

TEST(IdentityTest, RefusesSomethingThatIsNotACertificate) {
  for (const char* pem : {"", "garbage",
                          "-----BEGIN CERTIFICATE-----\nAAAA\n"
                          "-----END CERTIFICATE-----\n"}) {
    EXPECT_THAT(IdentityFromCertificatePem(pem).status(),
                absl::UnauthenticatedError("client certificate: no PEM "
                                           "certificate"));
  }
}

// NoProperties is the (empty) property iteration of FakeAuthContext, which
// CallerIdentity never uses.
class NoProperties : public grpc::AuthPropertyIterator {};

// FakeAuthContext holds properties, as gRPC's TLS transport fills them.
class FakeAuthContext : public grpc::AuthContext {
 public:
  FakeAuthContext(bool authenticated, std::vector<std::string> pems)
      : authenticated_(authenticated), pems_(std::move(pems)) {}
  bool IsPeerAuthenticated() const override { return authenticated_; }
  std::vector<grpc::string_ref> GetPeerIdentity() const override { return {}; }
  std::string GetPeerIdentityPropertyName() const override { return ""; }
  std::vector<grpc::string_ref> FindPropertyValues(
      const std::string& name) const override {
    std::vector<grpc::string_ref> out;
    if (name != GRPC_X509_PEM_CERT_PROPERTY_NAME) return out;
    for (const std::string& pem : pems_) out.emplace_back(pem);
    return out;
  }
  grpc::AuthPropertyIterator begin() const override { return NoProperties(); }
  grpc::AuthPropertyIterator end() const override { return NoProperties(); }
  void AddProperty(const std::string&, const grpc::string_ref&) override {}
  bool SetPeerIdentityPropertyName(const std::string&) override {
    return false;
  }

 private:
  bool authenticated_;
  std::vector<std::string> pems_;
};

TEST(CallerIdentityTest, ReadsThePeerCertificate) {
  const std::string pem =
      MakeCertificatePem("edge-b", {{GEN_URI, "spiffe://keyward.dev/edge/b"}});
  absl::StatusOr<std::string> identity =
      CallerIdentity(FakeAuthContext(true, {pem}));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(*identity, "spiffe://keyward.dev/edge/b");
}

TEST(CallerIdentityTest, NeedsAnAuthenticatedPeerWithACertificate) {
  const std::string pem = MakeCertificatePem("edge-b", {});
  EXPECT_EQ(CallerIdentity(FakeAuthContext(false, {pem})).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CallerIdentity(FakeAuthContext(true, {})).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(
      CallerIdentity(FakeAuthContext(true, {"junk"})).status().message(),
      HasSubstr("no PEM certificate"));
}

}  // namespace
}  // namespace keyward::service
