#include "bench/operation_spec.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "keystore/signature_scheme.h"

namespace keyward::bench {
namespace {

constexpr char kOperationNames[] = "sign, decrypt-pre-master, rsa-key-exchange";
constexpr char kKeyNames[] =
    "rsa-2048, rsa-3072, ecdsa-p256, ecdsa-p384, ed25519";

DevKey MakeKey(absl::string_view name, v1::KeyAlgorithm algorithm, int rsa_bits,
               v1::SignatureScheme scheme) {
  return DevKey{std::string(name), algorithm, rsa_bits, scheme,
                absl::StrCat(name, ".dev.keyward.test")};
}

// The keys scripts/gen-dev-keystore makes.
const std::vector<DevKey>& DevKeys() {
  static const std::vector<DevKey>* const kKeys = new std::vector<DevKey>{
      MakeKey("rsa-2048", v1::KEY_ALGORITHM_RSA, 2048,
              v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256),
      MakeKey("rsa-3072", v1::KEY_ALGORITHM_RSA, 3072,
              v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256),
      MakeKey("ecdsa-p256", v1::KEY_ALGORITHM_ECDSA_P256, 0,
              v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256),
      MakeKey("ecdsa-p384", v1::KEY_ALGORITHM_ECDSA_P384, 0,
              v1::SIGNATURE_SCHEME_ECDSA_SECP384R1_SHA384),
      MakeKey("ed25519", v1::KEY_ALGORITHM_ED25519, 0,
              v1::SIGNATURE_SCHEME_ED25519),
  };
  return *kKeys;
}

const char* KindName(OperationKind kind) {
  switch (kind) {
    case OperationKind::kSign:
      return "sign";
    case OperationKind::kDecryptPreMaster:
      return "decrypt-pre-master";
    case OperationKind::kRsaKeyExchange:
      return "rsa-key-exchange";
  }
  return "?";
}

// Signs is whether `key` can sign with `scheme`: any scheme that fits its
// algorithm but the legacy MD5-SHA1 one, which the dev keys' policy does
// not allow.
bool Signs(const DevKey& key, v1::SignatureScheme scheme) {
  return scheme != v1::SIGNATURE_SCHEME_RSA_PKCS1_MD5_SHA1 &&
         keystore::SchemeFitsAlgorithm(scheme, key.algorithm);
}

}  // namespace

std::string SchemeName(v1::SignatureScheme scheme) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::SignatureScheme_Name(scheme), "SIGNATURE_SCHEME_"));
}

bool SignsTls12ServerKeyExchange(v1::SignatureScheme scheme) {
  return scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA384 ||
         scheme == v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA512;
}

std::string OperationSpec::Name() const {
  if (kind == OperationKind::kSign && scheme != key.scheme) {
    return absl::StrCat(KindName(kind), ":", key.name, ":", SchemeName(scheme));
  }
  return absl::StrCat(KindName(kind), ":", key.name);
}

absl::StatusOr<OperationSpec> ParseOperationSpec(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() != 2 && !(parts.size() == 3 && parts[0] == "sign")) {
    return absl::InvalidArgumentError(
        absl::StrCat("operation \"", text,
                     "\": expected <operation>:<key> or "
                     "sign:<key>:<scheme>, e.g. sign:ecdsa-p256 or "
                     "sign:rsa-2048:rsa_pkcs1_sha384"));
  }
  OperationSpec out;
  bool known = false;
  for (OperationKind kind :
       {OperationKind::kSign, OperationKind::kDecryptPreMaster,
        OperationKind::kRsaKeyExchange}) {
    if (parts[0] == KindName(kind)) {
      out.kind = kind;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "operation \"", parts[0], "\": expected one of ", kOperationNames));
  }
  known = false;
  for (const DevKey& key : DevKeys()) {
    if (parts[1] == key.name) {
      out.key = key;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat("key \"", parts[1], "\": expected one of ", kKeyNames));
  }
  if (out.kind != OperationKind::kSign) {
    if (out.key.algorithm != v1::KEY_ALGORITHM_RSA) {
      return absl::InvalidArgumentError(absl::StrCat(
          "operation \"", text, "\": the RSA key exchange needs an RSA key"));
    }
    return out;
  }
  out.scheme = out.key.scheme;
  if (parts.size() == 3 &&
      (!v1::SignatureScheme_Parse(
           absl::StrCat("SIGNATURE_SCHEME_", absl::AsciiStrToUpper(parts[2])),
           &out.scheme) ||
       !Signs(out.key, out.scheme))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scheme \"", parts[2], "\": key ", out.key.name, " signs with ",
        out.key.algorithm == v1::KEY_ALGORITHM_RSA
            ? "rsa_pkcs1_sha256/384/512 or "
              "rsa_pss_rsae_sha256/384/512"
            : SchemeName(out.key.scheme)));
  }
  return out;
}

}  // namespace keyward::bench
