#include "handshake/hash_algorithm.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/openssl_error.h"

namespace keyward::handshake {

const EVP_MD* EvpMd(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

const char* OpenSslDigestName(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha256:
      return "SHA2-256";
    case HashAlgorithm::kSha384:
      return "SHA2-384";
    case HashAlgorithm::kSha512:
      return "SHA2-512";
  }
  return nullptr;
}

std::size_t HashLength(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha384:
      return 48;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

absl::string_view HashAlgorithmName(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha256:
      return "Sha256";
    case HashAlgorithm::kSha384:
      return "Sha384";
    case HashAlgorithm::kSha512:
      return "Sha512";
  }
  return "Unknown";
}

absl::Status CheckHashAlgorithm(HashAlgorithm hash) {
  if (EvpMd(hash) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash: unsupported value ", static_cast<int>(hash)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> ComputeHash(
    HashAlgorithm hash, absl::Span<const uint8_t> data) {
  if (absl::Status status = CheckHashAlgorithm(hash); !status.ok()) {
    return status;
  }
  const EVP_MD* md = EvpMd(hash);
  std::vector<uint8_t> out(HashLength(hash));
  unsigned int out_length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &out_length, md,
                 /*impl=*/nullptr) != 1 ||
      out_length != out.size()) {
    return internal::OpenSslError("EVP_Digest");
  }
  return out;
}

}  // namespace keyward::handshake
