#include "bench/operation_spec.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

}  // namespace

std::string OperationSpec::Name() const {
  return absl::StrCat(KindName(kind), ":", key.name);
}

absl::StatusOr<OperationSpec> ParseOperationSpec(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("operation \"", text,
                     "\": expected <operation>:<key>, e.g. "
                     "sign:ecdsa-p256"));
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
  if (out.kind != OperationKind::kSign &&
      out.key.algorithm != v1::KEY_ALGORITHM_RSA) {
    return absl::InvalidArgumentError(absl::StrCat(
        "operation \"", text, "\": the RSA key exchange needs an RSA key"));
  }
  return out;
}

}  // namespace keyward::bench
