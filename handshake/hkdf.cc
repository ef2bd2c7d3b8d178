#include "handshake/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/evp_kdf.h"

namespace keyward::handshake {
namespace {

constexpr absl::string_view kLabelPrefix = "tls13 ";

// RunHkdf runs OpenSSL's HKDF in `mode` (extract-only or expand-only); `key`
// is the IKM for extract and the PRK for expand.
absl::StatusOr<SecretBytes> RunHkdf(HashAlgorithm hash, int mode,
                                    absl::Span<const uint8_t> key,
                                    absl::Span<const uint8_t> salt,
                                    absl::Span<const uint8_t> info,
                                    std::size_t out_length) {
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(
          OSSL_KDF_PARAM_DIGEST, const_cast<char*>(OpenSslDigestName(hash)), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      internal::OctetParam(OSSL_KDF_PARAM_KEY, key),
      internal::OctetParam(OSSL_KDF_PARAM_SALT, salt),
      internal::OctetParam(OSSL_KDF_PARAM_INFO, info),
      OSSL_PARAM_construct_end(),
  };
  return internal::DeriveWithKdf("HKDF", params, out_length);
}

// CheckExpandLength enforces L <= 255 * HashLen (RFC 5869 §2.3); L = 0 is
// rejected too since no TLS derivation asks for it.
absl::Status CheckExpandLength(HashAlgorithm hash, std::size_t out_length) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  const std::size_t max_length = 255 * HashLength(hash);
  if (out_length == 0 || out_length > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("out_length: ", out_length, " is not in [1, ", max_length,
                     "] for ", HashAlgorithmName(hash)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SecretBytes> HkdfExtract(HashAlgorithm hash,
                                        absl::Span<const uint8_t> salt,
                                        absl::Span<const uint8_t> ikm) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  return RunHkdf(hash, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt, {},
                 HashLength(hash));
}

absl::StatusOr<SecretBytes> HkdfExpand(HashAlgorithm hash,
                                       absl::Span<const uint8_t> prk,
                                       absl::Span<const uint8_t> info,
                                       std::size_t out_length) {
  if (absl::Status status = CheckExpandLength(hash, out_length); !status.ok()) {
    return status;
  }
  if (prk.size() < HashLength(hash)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "prk: ", prk.size(), " bytes, need at least ", HashLength(hash)));
  }
  return RunHkdf(hash, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, {}, info,
                 out_length);
}

absl::StatusOr<std::vector<uint8_t>> EncodeHkdfLabel(
    uint16_t length, absl::string_view label,
    absl::Span<const uint8_t> context) {
  if (label.empty() || label.size() > kMaxHkdfLabelLength) {
    return absl::InvalidArgumentError(absl::StrCat("label: ", label.size(),
                                                   " bytes is not in [1, ",
                                                   kMaxHkdfLabelLength, "]"));
  }
  if (context.size() > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("context: ", context.size(), " bytes, at most 255"));
  }
  std::vector<uint8_t> out;
  out.reserve(2 + 1 + kLabelPrefix.size() + label.size() + 1 + context.size());
  out.push_back(static_cast<uint8_t>(length >> 8));
  out.push_back(static_cast<uint8_t>(length & 0xff));
  out.push_back(static_cast<uint8_t>(kLabelPrefix.size() + label.size()));
  out.insert(out.end(), kLabelPrefix.begin(), kLabelPrefix.end());
  out.insert(out.end(), label.begin(), label.end());
  out.push_back(static_cast<uint8_t>(context.size()));
  out.insert(out.end(), context.begin(), context.end());
  return out;
}

absl::StatusOr<SecretBytes> HkdfExpandLabel(HashAlgorithm hash,
                                            absl::Span<const uint8_t> secret,
                                            absl::string_view label,
                                            absl::Span<const uint8_t> context,
                                            std::size_t length) {
  // 255 * HashLen is below 2^16, so a valid length fits HkdfLabel.length.
  if (absl::Status status = CheckExpandLength(hash, length); !status.ok()) {
    return status;
  }
  absl::StatusOr<std::vector<uint8_t>> info =
      EncodeHkdfLabel(static_cast<uint16_t>(length), label, context);
  if (!info.ok()) return info.status();
  return HkdfExpand(hash, secret, *info, length);
}

absl::StatusOr<SecretBytes> DeriveSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> secret,
    absl::string_view label, absl::Span<const uint8_t> transcript_hash) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  if (transcript_hash.size() != HashLength(hash)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "transcript_hash: ", transcript_hash.size(), " bytes, expected ",
        HashLength(hash), " for ", HashAlgorithmName(hash)));
  }
  return HkdfExpandLabel(hash, secret, label, transcript_hash,
                         HashLength(hash));
}

}  // namespace keyward::handshake
