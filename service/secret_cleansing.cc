#include "service/secret_cleansing.h"

#include <openssl/crypto.h>

#include <string>

namespace keyward::service {
namespace {

void Wipe(std::string* bytes) {
  OPENSSL_cleanse(bytes->data(), bytes->size());
  bytes->clear();
}

void Wipe(v1::TrafficKeys* keys) {
  Wipe(keys->mutable_secret());
  Wipe(keys->mutable_key());
  Wipe(keys->mutable_iv());
}

}  // namespace

void CleanseSecrets(v1::DecryptPreMasterRequest*) {}

void CleanseSecrets(v1::DecryptPreMasterResponse* message) {
  Wipe(message->mutable_pre_master_secret());
}

void CleanseSecrets(v1::RsaKeyExchangeRequest*) {}

void CleanseSecrets(v1::RsaKeyExchangeResponse* message) {
  Wipe(message->mutable_master_secret());
  Wipe(message->mutable_key_block());
}

void CleanseSecrets(v1::DeriveSessionKeysRequest* message) {
  if (message->has_tls13()) {
    Wipe(message->mutable_tls13()->mutable_psk());
    Wipe(message->mutable_tls13()->mutable_shared_secret());
  }
  if (message->has_tls12()) {
    Wipe(message->mutable_tls12()->mutable_master_secret());
  }
}

void CleanseSecrets(v1::DeriveSessionKeysResponse* message) {
  if (message->has_tls13()) {
    v1::Tls13SessionKeys* keys = message->mutable_tls13();
    Wipe(keys->mutable_client_handshake());
    Wipe(keys->mutable_server_handshake());
    Wipe(keys->mutable_client_application());
    Wipe(keys->mutable_server_application());
    Wipe(keys->mutable_exporter_master_secret());
    Wipe(keys->mutable_resumption_master_secret());
  }
  if (message->has_tls12()) {
    v1::Tls12SessionKeys* keys = message->mutable_tls12();
    for (std::string* field :
         {keys->mutable_client_write_mac_key(),
          keys->mutable_server_write_mac_key(),
          keys->mutable_client_write_key(), keys->mutable_server_write_key(),
          keys->mutable_client_write_iv(), keys->mutable_server_write_iv()}) {
      Wipe(field);
    }
  }
}

void CleanseSecrets(v1::PipelineRequest* message) {
  if (message->has_derive_session_keys()) {
    CleanseSecrets(message->mutable_derive_session_keys());
  }
  for (v1::PipelineRequest& entry : *message->mutable_batch()) {
    CleanseSecrets(&entry);
  }
}

void CleanseSecrets(v1::PipelineResponse* message) {
  if (message->has_decrypt_pre_master()) {
    CleanseSecrets(message->mutable_decrypt_pre_master());
  }
  if (message->has_rsa_key_exchange()) {
    CleanseSecrets(message->mutable_rsa_key_exchange());
  }
  if (message->has_derive_session_keys()) {
    CleanseSecrets(message->mutable_derive_session_keys());
  }
  for (v1::PipelineResponse& entry : *message->mutable_batch()) {
    CleanseSecrets(&entry);
  }
}

}  // namespace keyward::service
