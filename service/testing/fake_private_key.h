#ifndef KEYWARD_SERVICE_TESTING_FAKE_PRIVATE_KEY_H_
#define KEYWARD_SERVICE_TESTING_FAKE_PRIVATE_KEY_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "keystore/private_key.h"

namespace keyward::service::testing {

// FakePrivateKey records what the service asks of a key and answers with
// predictable values, or with an injected error:
//   SignMessage / SignDigest  -> "sig:" + the input
//   DecryptPreMaster          -> `pre_master` (48 bytes by default)
// Thread-safe.
class FakePrivateKey : public keystore::PrivateKey {
 public:
  FakePrivateKey() = default;

  absl::StatusOr<std::string> SignMessage(
      v1::SignatureScheme scheme, absl::string_view message) const override;
  absl::StatusOr<std::string> SignDigest(
      v1::SignatureScheme scheme, absl::string_view digest) const override;
  absl::StatusOr<handshake::SecretBytes> DecryptPreMaster(
      absl::string_view ciphertext, uint16_t client_version) const override;

  // Every later call fails with `error` (OK: answer normally).
  void set_error(absl::Status error);
  void set_pre_master(handshake::SecretBytes pre_master);

  // How many private-key operations ran, and the last one's inputs.
  int calls() const;
  std::string last_method() const;
  v1::SignatureScheme last_scheme() const;
  std::string last_input() const;
  uint16_t last_client_version() const;

 private:
  absl::Status Record(absl::string_view method, v1::SignatureScheme scheme,
                      absl::string_view input, uint16_t client_version) const;

  // Guards everything below.
  mutable absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  handshake::SecretBytes pre_master_ ABSL_GUARDED_BY(mu_) =
      handshake::SecretBytes(48, 0x5a);
  mutable int calls_ ABSL_GUARDED_BY(mu_) = 0;
  mutable std::string last_method_ ABSL_GUARDED_BY(mu_);
  mutable v1::SignatureScheme last_scheme_ ABSL_GUARDED_BY(mu_) =
      v1::SIGNATURE_SCHEME_UNSPECIFIED;
  mutable std::string last_input_ ABSL_GUARDED_BY(mu_);
  mutable uint16_t last_client_version_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace keyward::service::testing

#endif  // KEYWARD_SERVICE_TESTING_FAKE_PRIVATE_KEY_H_
