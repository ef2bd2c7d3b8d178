#include "tests/fuzz/fuzz_keystore.h"

#include <unistd.h>

#include <fstream>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/call_guard.h"
#include "tests/fuzz/invariant.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/signature_check.h"

namespace keyward::fuzz {
namespace {

constexpr const char* kIdentities[FuzzKeystore::kCallerCount] = {
    "spiffe://keyward.dev/edge/a",
    "spiffe://keyward.dev/edge/b",
    "spiffe://keyward.dev/edge/c",
    "spiffe://elsewhere.test/edge/a",
};

// The manifest over the dev keystore's keys, in this order (the positions
// seeds use, see ResolvePlaceholders): 0 rsa-2048 (legacy MD5+SHA-1
// allowed), 1 ecdsa-p256, 2 ed25519 (wrongly granted the RSA key exchange),
// 3 "rot" version 1 (rsa-3072, PREVIOUS), 4 "rot" version 2 (ecdsa-p384).
constexpr char kManifest[] = R"pb(
  key {
    name: "rsa-2048"
    private_key_file: "keys/rsa-2048.key"
    certificate_chain_file: "keys/rsa-2048.crt"
    allow_legacy_md5_sha1: true
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [
        OPERATION_SIGN_STRUCTURED,
        OPERATION_SIGN_RAW,
        OPERATION_RSA_KEY_EXCHANGE
      ]
    }
    allow {
      identity: "spiffe://keyward.dev/edge/b"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
  }
  key {
    name: "ecdsa-p256"
    private_key_file: "keys/ecdsa-p256.key"
    certificate_chain_file: "keys/ecdsa-p256.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/*"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_RAW ]
    }
  }
  key {
    name: "ed25519"
    private_key_file: "keys/ed25519.key"
    certificate_chain_file: "keys/ed25519.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_RAW, OPERATION_RSA_KEY_EXCHANGE ]
    }
  }
  key {
    name: "rot"
    version: 1
    usable_until: "2999-01-01T00:00:00Z"
    private_key_file: "keys/rsa-3072.key"
    certificate_chain_file: "keys/rsa-3072.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_STRUCTURED, OPERATION_RSA_KEY_EXCHANGE ]
    }
  }
  key {
    name: "rot"
    version: 2
    private_key_file: "keys/ecdsa-p384.key"
    certificate_chain_file: "keys/ecdsa-p384.crt"
    allow {
      identity: "spiffe://keyward.dev/edge/a"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
    allow {
      identity: "spiffe://keyward.dev/edge/c"
      operations: [ OPERATION_SIGN_RAW ]
    }
  }
)pb";
constexpr size_t kManifestKeys = 5;

// PlaceholderIndex returns i when `value` is `filler` repeated
// `length` - 1 times followed by `last`, where `last` - `base` = i; else
// -1.
int PlaceholderIndex(absl::string_view value, size_t length, char filler,
                     char base) {
  if (value.size() != length) return -1;
  for (size_t i = 0; i + 1 < length; ++i) {
    if (value[i] != filler) return -1;
  }
  const int index = static_cast<unsigned char>(value.back()) -
                    static_cast<unsigned char>(base);
  return index >= 0 && index < static_cast<int>(kManifestKeys) ? index : -1;
}

}  // namespace

const FuzzKeystore& FuzzKeystore::Get() {
  // Never destroyed: libFuzzer may run inputs until the process exits.
  static const FuzzKeystore* const instance = Make();
  return *instance;
}

const FuzzKeystore* FuzzKeystore::Make() {
  absl::StatusOr<testing::DevKeystore> dev =
      testing::MakeDevKeystore(absl::StrCat("fuzz_keystore_", getpid()));
  KEYWARD_FUZZ_REQUIRE(dev.ok());
  {
    std::ofstream manifest(dev->dir + "/manifest.textproto");
    manifest << kManifest;
    KEYWARD_FUZZ_REQUIRE(manifest.good());
  }
  absl::StatusOr<std::shared_ptr<const keystore::Keystore>> loaded =
      keystore::Keystore::LoadFromDirectory(dev->dir, absl::Now(), nullptr);
  KEYWARD_FUZZ_REQUIRE(loaded.ok());
  KEYWARD_FUZZ_REQUIRE((*loaded)->keys().size() == kManifestKeys);

  auto* out = new FuzzKeystore();
  out->keystore_ = *std::move(loaded);
  for (const auto& key : out->keystore_->keys()) {
    KEYWARD_FUZZ_REQUIRE(!key->certificate_chain_der.empty());
    out->public_keys_.emplace(key->key_id, testing::PublicKeyOfCertificate(
                                               key->certificate_chain_der[0]));
    KEYWARD_FUZZ_REQUIRE(out->public_keys_.at(key->key_id) != nullptr);
  }
  v1::GetKeyRequest absent;
  absent.mutable_key()->set_key_id(std::string(64, 'f'));
  absl::StatusOr<v1::GetKeyResponse> not_found =
      service::RunGetKey(absent, out->Context(0));
  KEYWARD_FUZZ_REQUIRE(absl::IsNotFound(not_found.status()));
  out->not_found_message_ = std::string(not_found.status().message());
  return out;
}

service::OperationContext FuzzKeystore::Context(uint64_t choice) const {
  return service::OperationContext{
      keystore_, kIdentities[choice % kCallerCount], keystore_->loaded_at(),
      service::CallGuard::Unbounded()};
}

void FuzzKeystore::ResolvePlaceholders(v1::KeySelector* selector) const {
  const std::vector<std::shared_ptr<const keystore::KeyEntry>>& keys =
      keystore_->keys();
  if (selector->has_key_id()) {
    const int i = PlaceholderIndex(selector->key_id(), 64, '0', '0');
    if (i >= 0) selector->set_key_id(keys[i]->key_id);
  } else if (selector->has_certificate_sha256()) {
    const int i =
        PlaceholderIndex(selector->certificate_sha256(), 32, '\0', '\0');
    if (i >= 0) selector->set_certificate_sha256(keys[i]->certificate_sha256);
  }
}

EVP_PKEY* FuzzKeystore::PublicKey(absl::string_view key_id) const {
  auto it = public_keys_.find(key_id);
  return it == public_keys_.end() ? nullptr : it->second.get();
}

bool CoversHost(const v1::KeyInfo& key, absl::string_view host) {
  const size_t first_dot = host.find('.');
  for (const std::string& name : key.host_names()) {
    if (name == host) return true;
    if (absl::StartsWith(name, "*.") && first_dot != 0 &&
        first_dot != absl::string_view::npos &&
        host.substr(first_dot + 1) == name.substr(2) &&
        name.find('.', 2) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace keyward::fuzz
