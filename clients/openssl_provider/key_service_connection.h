#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_SERVICE_CONNECTION_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_SERVICE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "clients/cpp/keyward_client.h"
#include "clients/openssl_provider/provider_config.h"
#include "keyward/v1/types.pb.h"

namespace keyward::provider {

// SignInput: what a Sign call carries.
enum class SignInput {
  kDigest,   // the digest the caller computed (RSA, ECDSA)
  kMessage,  // the whole message (Ed25519)
};

// KeyServiceConnection makes the provider's calls to the key service, each
// with the configured timeout as its deadline (retries of UNAVAILABLE, done
// by the client, stay within it). The KeywardClient is created on first
// use, so that loading the provider reads no file and a program that never
// opens a keyward: key never needs the settings; a misconfiguration is
// reported by the first call, and every later call tries again. Errors are
// the client's absl::Status (gRPC codes). Thread-safe.
class KeyServiceConnection {
 public:
  explicit KeyServiceConnection(ProviderSettings settings);
  ~KeyServiceConnection();
  KeyServiceConnection(const KeyServiceConnection&) = delete;
  KeyServiceConnection& operator=(const KeyServiceConnection&) = delete;

  // GetKey describes the key `selector` names (from the client's cache when
  // fresh).
  absl::StatusOr<v1::KeyInfo> GetKey(const v1::KeySelector& selector);

  // Sign signs `input` (a digest of the scheme's hash, or a message) with
  // the key `key_id` and returns the signature in TLS form (DER for ECDSA).
  absl::StatusOr<std::string> Sign(absl::string_view key_id,
                                   v1::SignatureScheme scheme, SignInput kind,
                                   absl::string_view input);

  // DecryptPreMaster sends a TLS 1.2 EncryptedPreMasterSecret for the RSA
  // key `key_id` and writes the 48-byte answer to `out` (which must be 48
  // bytes): the pre-master secret, or the service's synthetic one when the
  // ciphertext does not decrypt to a well-formed pre-master with
  // `client_version` (implicit rejection, done by the service). The copy
  // the response held is wiped. On error `out` is left untouched.
  absl::Status DecryptPreMaster(absl::string_view key_id,
                                absl::string_view ciphertext,
                                uint16_t client_version,
                                absl::Span<uint8_t> out);

 private:
  // Client returns the client, creating it first if needed.
  absl::StatusOr<client::KeywardClient*> Client();

  const ProviderSettings settings_;
  absl::Mutex mu_;
  // Guards client_ (set once; the client itself is thread-safe).
  std::unique_ptr<client::KeywardClient> client_ ABSL_GUARDED_BY(mu_);
};

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_KEY_SERVICE_CONNECTION_H_
