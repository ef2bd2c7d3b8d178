#include "handshake/tls12_prf.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/evp_kdf.h"

namespace keyward::handshake {
namespace {

// CheckLength returns InvalidArgument naming `field` unless `actual` is
// `expected` bytes.
absl::Status CheckLength(absl::string_view field, std::size_t actual,
                         std::size_t expected) {
  if (actual == expected) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", actual, " bytes, expected ", expected));
}

// CheckRange returns InvalidArgument naming `field` unless `actual` is in
// [1, max].
absl::Status CheckRange(absl::string_view field, std::size_t actual,
                        std::size_t max) {
  if (actual >= 1 && actual <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", actual, " is not in [1, ", max, "]"));
}

// Concat returns a followed by b (randoms, hashes: not secret).
std::vector<uint8_t> Concat(absl::Span<const uint8_t> a,
                            absl::Span<const uint8_t> b) {
  std::vector<uint8_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

absl::StatusOr<SecretBytes> Tls12Prf(HashAlgorithm hash,
                                     absl::Span<const uint8_t> secret,
                                     absl::string_view label,
                                     absl::Span<const uint8_t> seed,
                                     std::size_t out_length) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  if (absl::Status status =
          CheckRange("secret", secret.size(), kTls12MaxSecretLength);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckRange("seed", label.size() + seed.size(),
                                       kTls12MaxPrfSeedLength);
      !status.ok()) {
    return status;
  }
  if (out_length == 0) {
    return absl::InvalidArgumentError("out_length: must be positive");
  }
  // OpenSSL concatenates repeated seed parameters: label + seed.
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(
          OSSL_KDF_PARAM_DIGEST, const_cast<char*>(OpenSslDigestName(hash)), 0),
      internal::OctetParam(OSSL_KDF_PARAM_SECRET, secret),
      internal::OctetParam(
          OSSL_KDF_PARAM_SEED,
          absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(label.data()),
                              label.size())),
      internal::OctetParam(OSSL_KDF_PARAM_SEED, seed),
      OSSL_PARAM_construct_end(),
  };
  return internal::DeriveWithKdf("TLS1-PRF", params, out_length);
}

absl::StatusOr<SecretBytes> Tls12MasterSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> pre_master_secret,
    absl::Span<const uint8_t> client_random,
    absl::Span<const uint8_t> server_random) {
  for (absl::Status status :
       {CheckRange("pre_master_secret", pre_master_secret.size(),
                   kTls12MaxSecretLength),
        CheckLength("client_random", client_random.size(), kTls12RandomLength),
        CheckLength("server_random", server_random.size(),
                    kTls12RandomLength)}) {
    if (!status.ok()) return status;
  }
  return Tls12Prf(hash, pre_master_secret, "master secret",
                  Concat(client_random, server_random),
                  kTls12MasterSecretLength);
}

absl::StatusOr<SecretBytes> Tls12ExtendedMasterSecret(
    HashAlgorithm hash, absl::Span<const uint8_t> pre_master_secret,
    absl::Span<const uint8_t> session_hash) {
  for (absl::Status status :
       {CheckHashAlgorithm(hash),
        CheckRange("pre_master_secret", pre_master_secret.size(),
                   kTls12MaxSecretLength),
        CheckLength("session_hash", session_hash.size(), HashLength(hash))}) {
    if (!status.ok()) return status;
  }
  return Tls12Prf(hash, pre_master_secret, "extended master secret",
                  session_hash, kTls12MasterSecretLength);
}

absl::StatusOr<SecretBytes> Tls12KeyBlock(
    HashAlgorithm hash, absl::Span<const uint8_t> master_secret,
    absl::Span<const uint8_t> server_random,
    absl::Span<const uint8_t> client_random, std::size_t length) {
  for (absl::Status status :
       {CheckLength("master_secret", master_secret.size(),
                    kTls12MasterSecretLength),
        CheckLength("server_random", server_random.size(), kTls12RandomLength),
        CheckLength("client_random", client_random.size(), kTls12RandomLength),
        CheckRange("length", length, kTls12MaxKeyBlockLength)}) {
    if (!status.ok()) return status;
  }
  return Tls12Prf(hash, master_secret, "key expansion",
                  Concat(server_random, client_random), length);
}

}  // namespace keyward::handshake
