#include "service/identity.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "service/mutex.h"

namespace keyward::service {
namespace {

// IdentityCache maps certificates (PEM) to identities, for at most
// kCapacity certificates; when full it starts over, which bounds its memory
// whatever the clients present.
class IdentityCache {
 public:
  std::optional<std::string> Find(absl::string_view pem) {
    MutexLock lock(&mu_);
    auto it = identities_.find(pem);
    if (it == identities_.end()) return std::nullopt;
    return it->second;
  }

  void Insert(absl::string_view pem, const std::string& identity) {
    MutexLock lock(&mu_);
    if (identities_.size() >= kCapacity) identities_.clear();
    identities_.emplace(std::string(pem), identity);
  }

 private:
  static constexpr size_t kCapacity = 4096;
  Mutex mu_;
  absl::flat_hash_map<std::string, std::string> identities_
      ABSL_GUARDED_BY(mu_);
};


using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)>;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("client certificate: ", why));
}

// FirstSan returns the first subjectAltName of `type` (GEN_URI or GEN_DNS),
// or nullopt when there is none.
std::optional<std::string> FirstSan(const GENERAL_NAMES* names, int type) {
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != type) continue;
    const ASN1_IA5STRING* value =
        type == GEN_URI ? name->d.uniformResourceIdentifier : name->d.dNSName;
    return std::string(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
        ASN1_STRING_length(value));
  }
  return std::nullopt;
}

// CommonName returns the subject's (first) commonName as UTF-8, or nullopt.
std::optional<std::string> CommonName(const X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return std::nullopt;
  const ASN1_STRING* data =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(utf8), length);
  OPENSSL_free(utf8);
  return out;
}

absl::StatusOr<std::string> CheckIdentity(std::string identity) {
  if (identity.empty()) return Unauthenticated("the identity name is empty");
  if (identity.size() > kMaxIdentityLength) {
    return Unauthenticated(absl::StrCat("the identity name is longer than ",
                                        kMaxIdentityLength, " bytes"));
  }
  for (size_t i = 0; i < identity.size(); ++i) {
    const unsigned char c = identity[i];
    if (c < 0x21 || c > 0x7e) {
      return Unauthenticated(absl::StrCat("the identity name has byte 0x",
                                          absl::Hex(c, absl::kZeroPad2),
                                          " at offset ", i));
    }
  }
  return identity;
}

}  // namespace

absl::StatusOr<std::string> IdentityFromCertificatePem(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
             BIO_free);
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
               X509_free);
  if (cert == nullptr) {
    ERR_clear_error();
    return Unauthenticated("no PEM certificate");
  }
  int san_found = 0;  // -1: absent, -2: repeated, >= 0: present.
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(
          cert.get(), NID_subject_alt_name, &san_found, /*idx=*/nullptr)),
      GENERAL_NAMES_free);
  ERR_clear_error();
  if (names == nullptr && san_found != -1) {
    // A repeated or undecodable extension must not fall back to the CN.
    return Unauthenticated("unreadable subjectAltName extension");
  }
  for (int type : {GEN_URI, GEN_DNS}) {
    if (names == nullptr) break;
    if (std::optional<std::string> san = FirstSan(names.get(), type)) {
      return CheckIdentity(*std::move(san));
    }
  }
  if (std::optional<std::string> cn = CommonName(cert.get())) {
    return CheckIdentity(*std::move(cn));
  }
  return Unauthenticated("no URI or DNS subjectAltName and no commonName");
}

absl::StatusOr<std::string> CallerIdentity(const grpc::AuthContext& auth) {
  if (!auth.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  const std::vector<grpc::string_ref> pems =
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  const absl::string_view pem(pems.front().data(), pems.front().size());
  // Parsing a certificate costs far more than the call's crypto for ECDSA,
  // and a connection presents the same one on every call: remember the
  // identities of recently seen certificates. The identity is a function
  // of the certificate alone, so a remembered one is never stale.
  static IdentityCache* const cache = new IdentityCache();
  if (std::optional<std::string> known = cache->Find(pem)) return *known;
  absl::StatusOr<std::string> identity = IdentityFromCertificatePem(pem);
  if (identity.ok()) cache->Insert(pem, *identity);
  return identity;
}

}  // namespace keyward::service
