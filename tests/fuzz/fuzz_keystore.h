#ifndef KEYWARD_TESTS_FUZZ_FUZZ_KEYSTORE_H_
#define KEYWARD_TESTS_FUZZ_FUZZ_KEYSTORE_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "keystore/keystore.h"
#include "keyward/v1/types.pb.h"
#include "service/operations.h"

namespace keyward::fuzz {

// FuzzKeystore is the keystore the service fuzzers run operations against:
// the keys of scripts/gen-dev-keystore, generated once per process, under a
// manifest written for fuzzing (kManifest in fuzz_keystore.cc) that has a
// PREVIOUS key, partial grants, the legacy MD5+SHA-1 scheme and an
// operation granted on a key that cannot do it. Every host name is covered
// by at most one CURRENT key. Immutable once made.
class FuzzKeystore {
 public:
  // The callers, chosen by Context(choice % kCallerCount): 0 edge/a (granted
  // most), 1 edge/b and 2 edge/c (a few keys), 3 a stranger that may use no
  // key at all.
  static constexpr uint64_t kCallerCount = 4;
  static constexpr uint64_t kStranger = 3;

  // Get returns the process's keystore, making it on first use (a few
  // seconds: RSA key generation). Traps if that fails.
  static const FuzzKeystore& Get();

  // Context returns an operation context for caller `choice` %
  // kCallerCount, at the time the keystore was loaded, never cancelled.
  service::OperationContext Context(uint64_t choice) const;

  const keystore::Keystore& keystore() const { return *keystore_; }

  // ResolvePlaceholders lets seeds name keys, whose ids and certificate
  // hashes change with every generated keystore, by manifest position: a
  // key_id of 63 '0's and one digit i, or a certificate_sha256 of 31 zero
  // bytes and one byte i, becomes the id or hash of the i-th key (when
  // there is one). Both forms are well formed, as are their replacements,
  // so request validation says the same before and after.
  void ResolvePlaceholders(v1::KeySelector* selector) const;

  // PublicKey is the public key of the leaf certificate of the key
  // `key_id`, owned by this object; null for an unknown id.
  EVP_PKEY* PublicKey(absl::string_view key_id) const;

  // NotFoundMessage is the message of NOT_FOUND for an absent key, which
  // every NOT_FOUND must repeat (a hidden key looks absent).
  const std::string& NotFoundMessage() const { return not_found_message_; }

 private:
  using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

  FuzzKeystore() = default;
  static const FuzzKeystore* Make();

  std::shared_ptr<const keystore::Keystore> keystore_;
  std::map<std::string, EvpPkeyPtr, std::less<>> public_keys_;
  std::string not_found_message_;
};

// CoversHost is the fuzzers' own statement of certificate name matching
// (RFC 6125 §6.4.3): one of `key`'s host names (lowercase) equals `host`
// (lowercase), or is "*." followed by `host` without its first label, where
// what follows "*." still holds a dot.
bool CoversHost(const v1::KeyInfo& key, absl::string_view host);

}  // namespace keyward::fuzz

#endif  // KEYWARD_TESTS_FUZZ_FUZZ_KEYSTORE_H_
