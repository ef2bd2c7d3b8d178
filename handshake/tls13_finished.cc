#include "handshake/tls13_finished.h"

#include <openssl/evp.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "handshake/hkdf.h"
#include "handshake/internal/openssl_error.h"

namespace keyward::handshake {
namespace {

// CheckHashLength returns InvalidArgument naming `field` unless it is
// HashLen bytes for `hash` (a valid algorithm).
absl::Status CheckHashLength(HashAlgorithm hash, absl::string_view field,
                             std::size_t actual) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  if (actual == HashLength(hash)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", actual, " bytes, expected ", HashLength(hash),
                   " for ", HashAlgorithmName(hash)));
}

}  // namespace

absl::StatusOr<SecretBytes> Tls13FinishedKey(
    HashAlgorithm hash, absl::Span<const uint8_t> base_key) {
  if (absl::Status status = CheckHashLength(hash, "base_key", base_key.size());
      !status.ok()) {
    return status;
  }
  return HkdfExpandLabel(hash, base_key, "finished", /*context=*/{},
                         HashLength(hash));
}

absl::StatusOr<std::vector<uint8_t>> Tls13FinishedVerifyData(
    HashAlgorithm hash, absl::Span<const uint8_t> finished_key,
    absl::Span<const uint8_t> transcript_hash) {
  for (absl::Status status :
       {CheckHashLength(hash, "finished_key", finished_key.size()),
        CheckHashLength(hash, "transcript_hash", transcript_hash.size())}) {
    if (!status.ok()) return status;
  }
  std::vector<uint8_t> out(HashLength(hash));
  std::size_t out_length = 0;
  if (EVP_Q_mac(/*libctx=*/nullptr, "HMAC", /*propq=*/nullptr,
                OpenSslDigestName(hash), /*params=*/nullptr,
                finished_key.data(), finished_key.size(),
                transcript_hash.data(), transcript_hash.size(), out.data(),
                out.size(), &out_length) == nullptr ||
      out_length != out.size()) {
    return internal::OpenSslError("EVP_Q_mac(HMAC)");
  }
  return out;
}

}  // namespace keyward::handshake
