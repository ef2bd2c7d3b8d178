#include "service/testing/fake_private_key.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace keyward::service::testing {

absl::Status FakePrivateKey::Record(absl::string_view method,
                                    v1::SignatureScheme scheme,
                                    absl::string_view input,
                                    uint16_t client_version) const {
  absl::MutexLock lock(&mu_);
  ++calls_;
  last_method_ = std::string(method);
  last_scheme_ = scheme;
  last_input_ = std::string(input);
  last_client_version_ = client_version;
  return error_;
}

absl::StatusOr<std::string> FakePrivateKey::SignMessage(
    v1::SignatureScheme scheme, absl::string_view message) const {
  if (absl::Status error = Record("SignMessage", scheme, message, 0);
      !error.ok()) {
    return error;
  }
  return absl::StrCat("sig:", message);
}

absl::StatusOr<std::string> FakePrivateKey::SignDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  if (absl::Status error = Record("SignDigest", scheme, digest, 0);
      !error.ok()) {
    return error;
  }
  return absl::StrCat("sig:", digest);
}

absl::StatusOr<handshake::SecretBytes> FakePrivateKey::DecryptPreMaster(
    absl::string_view ciphertext, uint16_t client_version) const {
  if (absl::Status error =
          Record("DecryptPreMaster", v1::SIGNATURE_SCHEME_UNSPECIFIED,
                 ciphertext, client_version);
      !error.ok()) {
    return error;
  }
  absl::MutexLock lock(&mu_);
  return pre_master_;
}

void FakePrivateKey::set_error(absl::Status error) {
  absl::MutexLock lock(&mu_);
  error_ = std::move(error);
}

void FakePrivateKey::set_pre_master(handshake::SecretBytes pre_master) {
  absl::MutexLock lock(&mu_);
  pre_master_ = std::move(pre_master);
}

int FakePrivateKey::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

std::string FakePrivateKey::last_method() const {
  absl::MutexLock lock(&mu_);
  return last_method_;
}

v1::SignatureScheme FakePrivateKey::last_scheme() const {
  absl::MutexLock lock(&mu_);
  return last_scheme_;
}

std::string FakePrivateKey::last_input() const {
  absl::MutexLock lock(&mu_);
  return last_input_;
}

uint16_t FakePrivateKey::last_client_version() const {
  absl::MutexLock lock(&mu_);
  return last_client_version_;
}

}  // namespace keyward::service::testing
