#include "clients/openssl_provider/key_service_connection.h"

#include <openssl/crypto.h>

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace keyward::provider {

// kPreMasterSecretLength: RFC 5246 §7.4.7.1.
constexpr size_t kPreMasterSecretLength = 48;

KeyServiceConnection::KeyServiceConnection(ProviderSettings settings)
    : settings_(std::move(settings)) {}

KeyServiceConnection::~KeyServiceConnection() = default;

absl::StatusOr<client::KeywardClient*> KeyServiceConnection::Client() {
  absl::MutexLock lock(&mu_);
  if (client_ == nullptr) {
    absl::StatusOr<client::KeywardClientOptions> options =
        ClientOptionsFrom(settings_);
    if (!options.ok()) return options.status();
    absl::StatusOr<std::unique_ptr<client::KeywardClient>> created =
        client::KeywardClient::Create(*options);
    if (!created.ok()) return created.status();
    client_ = *std::move(created);
  }
  return client_.get();
}

absl::StatusOr<v1::KeyInfo> KeyServiceConnection::GetKey(
    const v1::KeySelector& selector) {
  absl::StatusOr<client::KeywardClient*> client = Client();
  if (!client.ok()) return client.status();
  return (*client)->GetKey(selector);
}

absl::StatusOr<std::string> KeyServiceConnection::Sign(
    absl::string_view key_id, v1::SignatureScheme scheme, SignInput kind,
    absl::string_view input) {
  absl::StatusOr<client::KeywardClient*> client = Client();
  if (!client.ok()) return client.status();
  v1::SignRequest request;
  request.mutable_key()->set_key_id(std::string(key_id));
  request.set_scheme(scheme);
  if (kind == SignInput::kDigest) {
    request.set_digest(std::string(input));
  } else {
    request.set_message(std::string(input));
  }
  absl::StatusOr<v1::SignResponse> response = (*client)->Sign(request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_signature());
}

absl::Status KeyServiceConnection::DecryptPreMaster(
    absl::string_view key_id, absl::string_view ciphertext,
    uint16_t client_version, absl::Span<uint8_t> out) {
  if (out.size() != kPreMasterSecretLength) {
    return absl::InvalidArgumentError("the pre-master secret is 48 bytes");
  }
  absl::StatusOr<client::KeywardClient*> client = Client();
  if (!client.ok()) return client.status();
  v1::DecryptPreMasterRequest request;
  request.mutable_key()->set_key_id(std::string(key_id));
  request.set_encrypted_pre_master(std::string(ciphertext));
  request.set_client_version(client_version);
  absl::StatusOr<v1::DecryptPreMasterResponse> response =
      (*client)->DecryptPreMaster(request);
  if (!response.ok()) return response.status();
  std::string* secret = response->mutable_pre_master_secret();
  absl::Status result = absl::OkStatus();
  if (secret->size() == kPreMasterSecretLength) {
    std::memcpy(out.data(), secret->data(), kPreMasterSecretLength);
  } else {
    result = absl::InternalError(
        absl::StrCat("the key service answered a pre-master secret of ",
                     secret->size(), " bytes"));
  }
  OPENSSL_cleanse(secret->data(), secret->size());
  return result;
}

}  // namespace keyward::provider
