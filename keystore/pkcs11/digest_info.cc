#include "keystore/pkcs11/digest_info.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace keyward::keystore::pkcs11 {
namespace {

// DER of DigestInfo up to the digest (RFC 8017 §9.2, note 1).
constexpr char kSha256Prefix[] =
    "\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00"
    "\x04\x20";
constexpr char kSha384Prefix[] =
    "\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00"
    "\x04\x30";
constexpr char kSha512Prefix[] =
    "\x30\x51\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05\x00"
    "\x04\x40";
constexpr size_t kPrefixLength = 19;

}  // namespace

absl::StatusOr<std::string> Pkcs1SignatureInput(v1::SignatureScheme scheme,
                                                absl::string_view digest) {
  absl::string_view prefix;
  size_t length = 0;
  switch (scheme) {
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256:
      prefix = absl::string_view(kSha256Prefix, kPrefixLength);
      length = 32;
      break;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384:
      prefix = absl::string_view(kSha384Prefix, kPrefixLength);
      length = 48;
      break;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512:
      prefix = absl::string_view(kSha512Prefix, kPrefixLength);
      length = 64;
      break;
    case v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1:
      length = 36;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "scheme ", static_cast<int>(scheme), " is no PKCS #1 v1.5 scheme"));
  }
  if (digest.size() != length) {
    return absl::InvalidArgumentError(absl::StrCat(
        "digest: ", digest.size(), " bytes; the scheme needs ", length));
  }
  return absl::StrCat(prefix, digest);
}

}  // namespace keyward::keystore::pkcs11
