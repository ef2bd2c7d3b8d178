#include "handshake/tls_signed_content.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "handshake/tls12_prf.h"

namespace keyward::handshake {
namespace {

// RFC 8446 §4.4.3: the content starts with 64 spaces, and the context string
// is followed by a single 0 byte.
constexpr size_t kCertificateVerifyPadLength = 64;
constexpr char kCertificateVerifyPad = 0x20;

// ECCurveType named_curve (RFC 8422 §5.4).
constexpr uint8_t kNamedCurveType = 3;
// The ECPoint form RFC 8422 §5.4.1 requires for the NIST curves.
constexpr uint8_t kUncompressedPoint = 0x04;

struct NamedCurve {
  uint16_t id;
  const char* name;
  size_t point_length;
  bool uncompressed_prefix;  // NIST curves: 0x04 || X || Y.
};

// RFC 8422 §5.1.1 (NamedCurve values), §5.4.1 (uncompressed NIST points:
// 1 + 2 * field bytes) and §5.11 (X25519 and X448 public values).
constexpr NamedCurve kNamedCurves[] = {
    {23, "secp256r1", 1 + 2 * 32, true},
    {24, "secp384r1", 1 + 2 * 48, true},
    {25, "secp521r1", 1 + 2 * 66, true},
    {29, "x25519", 32, false},
    {30, "x448", 56, false},
};

const NamedCurve* FindNamedCurve(uint16_t id) {
  for (const NamedCurve& curve : kNamedCurves) {
    if (curve.id == id) return &curve;
  }
  return nullptr;
}

absl::Status CheckRandom(absl::string_view field, absl::string_view random) {
  if (random.size() == kTls12RandomLength) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": ", random.size(), " bytes, want ", kTls12RandomLength));
}

}  // namespace

absl::StatusOr<std::string> BuildTls13ServerCertificateVerifyInput(
    absl::string_view transcript_hash) {
  // The suites' hashes: SHA-256 or SHA-384 (RFC 8446 §B.4).
  if (transcript_hash.size() != 32 && transcript_hash.size() != 48) {
    return absl::InvalidArgumentError(
        absl::StrCat("transcript_hash: ", transcript_hash.size(),
                     " bytes, want 32 (SHA-256) or 48 (SHA-384)"));
  }
  std::string out(kCertificateVerifyPadLength, kCertificateVerifyPad);
  absl::StrAppend(&out, kTls13ServerCertificateVerifyContext);
  out.push_back('\0');
  absl::StrAppend(&out, transcript_hash);
  return out;
}

absl::Status CheckServerEcdhParams(absl::string_view server_params) {
  // struct { ECParameters curve_params; ECPoint public; } with
  // ECParameters = { uint8 curve_type; NamedCurve namedcurve; } and
  // ECPoint = opaque point<1..2^8-1>.
  if (server_params.size() < 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_params: ", server_params.size(),
                     " bytes, shorter than a ServerECDHParams"));
  }
  const auto byte = [&](size_t i) {
    return static_cast<uint8_t>(server_params[i]);
  };
  if (byte(0) != kNamedCurveType) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_params.curve_type: ", int{byte(0)},
                     ", only named_curve (3) is accepted"));
  }
  const uint16_t curve_id = static_cast<uint16_t>(byte(1) << 8 | byte(2));
  const NamedCurve* curve = FindNamedCurve(curve_id);
  if (curve == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server_params.named_curve: unsupported curve ", curve_id));
  }
  const size_t point_length = byte(3);
  if (point_length != curve->point_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_params.public: length ", point_length, " for ",
                     curve->name, ", want ", curve->point_length));
  }
  const size_t want_size = 4 + point_length;
  if (server_params.size() != want_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_params: ", server_params.size(), " bytes, the ",
                     curve->name, " ServerECDHParams is ", want_size));
  }
  if (curve->uncompressed_prefix && byte(4) != kUncompressedPoint) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_params.public: point form ", int{byte(4)}, " for ",
                     curve->name, ", want uncompressed (4)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> BuildTls12ServerKeyExchangeInput(
    absl::string_view client_random, absl::string_view server_random,
    absl::string_view server_params) {
  for (absl::Status status : {CheckRandom("client_random", client_random),
                              CheckRandom("server_random", server_random),
                              CheckServerEcdhParams(server_params)}) {
    if (!status.ok()) return status;
  }
  return absl::StrCat(client_random, server_random, server_params);
}

}  // namespace keyward::handshake
