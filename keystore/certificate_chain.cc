#include "keystore/certificate_chain.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace keyward::keystore {
namespace {

// NoPassword is a pem_password_cb that refuses: certificates are never
// encrypted, and OpenSSL must not prompt on a terminal.
int NoPassword(char*, int, int, void*) { return -1; }

absl::Status ChainError(absl::string_view source, absl::string_view what) {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return absl::FailedPreconditionError(
      absl::StrCat(source, ": ", what, " (",
                   reason == nullptr ? "no OpenSSL reason" : reason, ")"));
}

// HostNameShaped reports whether `name` (lowercase) only has characters
// that occur in DNS names and wildcard patterns.
bool HostNameShaped(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.' && c != '_' &&
        c != '*') {
      return false;
    }
  }
  return true;
}

void AddIfHostName(const ASN1_STRING* name, std::vector<std::string>& out) {
  std::string text = absl::AsciiStrToLower(absl::string_view(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(name)),
      ASN1_STRING_length(name)));
  if (HostNameShaped(text)) out.push_back(std::move(text));
}

std::vector<std::string> HostNames(const X509* leaf) {
  std::vector<std::string> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get());
       ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) AddIfHostName(name->d.dNSName, out);
  }
  if (!out.empty()) return out;
  const X509_NAME* subject = X509_get_subject_name(leaf);
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    last = i;
  }
  if (last >= 0) {
    AddIfHostName(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last)),
                  out);
  }
  return out;
}

absl::StatusOr<absl::Time> ToTime(const ASN1_TIME* time,
                                  absl::string_view source,
                                  absl::string_view field) {
  struct tm tm = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return ChainError(source, absl::StrCat("unreadable leaf ", field));
  }
  return absl::FromCivil(
      absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec),
      absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<CertificateChain> ParseCertificateChainPem(
    absl::string_view pem, absl::string_view source) {
  if (pem.size() > INT_MAX) {
    return absl::FailedPreconditionError(absl::StrCat(source, ": too large"));
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return ChainError(source, "cannot allocate a BIO");
  CertificateChain out;
  for (;;) {
    X509Ptr certificate(
        PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
    if (certificate == nullptr) break;
    unsigned char* der = nullptr;
    const int length = i2d_X509(certificate.get(), &der);
    OpenSslBufferPtr owned(der);
    if (length <= 0) return ChainError(source, "cannot encode a certificate");
    out.der.emplace_back(reinterpret_cast<const char*>(der), length);
    out.certificates.push_back(std::move(certificate));
  }
  // PEM_read_bio_X509 ends with "no start line" at the end of the input;
  // any other reason is a corrupt block.
  const unsigned long code = ERR_peek_last_error();  // NOLINT(runtime/int)
  if (ERR_GET_LIB(code) != ERR_LIB_PEM ||
      ERR_GET_REASON(code) != PEM_R_NO_START_LINE) {
    return ChainError(source, absl::StrCat("corrupt certificate number ",
                                           out.certificates.size() + 1));
  }
  ERR_clear_error();
  if (out.certificates.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(source, ": no PEM certificate found"));
  }
  return out;
}

absl::StatusOr<LeafFacts> DescribeLeaf(const X509* leaf,
                                       absl::string_view source) {
  LeafFacts out;
  out.host_names = HostNames(leaf);
  absl::StatusOr<absl::Time> not_before =
      ToTime(X509_get0_notBefore(leaf), source, "notBefore");
  if (!not_before.ok()) return not_before.status();
  absl::StatusOr<absl::Time> not_after =
      ToTime(X509_get0_notAfter(leaf), source, "notAfter");
  if (!not_after.ok()) return not_after.status();
  out.not_before = *not_before;
  out.not_after = *not_after;
  return out;
}

}  // namespace keyward::keystore
