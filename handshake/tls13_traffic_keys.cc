#include "handshake/tls13_traffic_keys.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/hkdf.h"

namespace keyward::handshake {
namespace {

constexpr Tls13CipherSuite kSuites[] = {
    {0x1301, HashAlgorithm::kSha256, 16, 12},  // TLS_AES_128_GCM_SHA256
    {0x1302, HashAlgorithm::kSha384, 32, 12},  // TLS_AES_256_GCM_SHA384
    {0x1303, HashAlgorithm::kSha256, 32, 12},  // TLS_CHACHA20_POLY1305_SHA256
};

}  // namespace

absl::StatusOr<Tls13CipherSuite> Tls13CipherSuiteFromId(uint16_t id) {
  for (const Tls13CipherSuite& suite : kSuites) {
    if (suite.id == id) return suite;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cipher_suite: unsupported TLS 1.3 suite 0x",
                   absl::Hex(id, absl::kZeroPad4)));
}

absl::StatusOr<Tls13TrafficKeys> DeriveTls13TrafficKeys(
    const Tls13CipherSuite& suite, absl::Span<const uint8_t> traffic_secret) {
  if (absl::Status status = CheckHashAlgorithm(suite.hash); !status.ok()) {
    return status;
  }
  if (traffic_secret.size() != HashLength(suite.hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("traffic_secret: ", traffic_secret.size(),
                     " bytes, expected ", HashLength(suite.hash)));
  }
  absl::StatusOr<SecretBytes> key = HkdfExpandLabel(
      suite.hash, traffic_secret, "key", /*context=*/{}, suite.key_length);
  if (!key.ok()) return key.status();
  absl::StatusOr<SecretBytes> iv = HkdfExpandLabel(
      suite.hash, traffic_secret, "iv", /*context=*/{}, suite.iv_length);
  if (!iv.ok()) return iv.status();
  return Tls13TrafficKeys{*std::move(key), *std::move(iv)};
}

}  // namespace keyward::handshake
