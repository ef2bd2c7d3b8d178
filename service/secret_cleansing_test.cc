#include "service/secret_cleansing.h"

#include <string>

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(SecretCleansingTest, WipesPipelineSecrets) {
  v1::PipelineResponse response;
  v1::Tls13SessionKeys* tls13 =
      response.mutable_derive_session_keys()->mutable_tls13();
  tls13->mutable_client_handshake()->set_secret("s");
  tls13->mutable_server_application()->set_key("k");
  tls13->mutable_client_application()->set_iv("i");
  tls13->set_exporter_master_secret("e");
  tls13->set_resumption_master_secret("r");
  CleanseSecrets(&response);
  EXPECT_EQ(tls13->client_handshake().secret(), "");
  EXPECT_EQ(tls13->server_application().key(), "");
  EXPECT_EQ(tls13->client_application().iv(), "");
  EXPECT_EQ(tls13->exporter_master_secret(), "");
  EXPECT_EQ(tls13->resumption_master_secret(), "");

  v1::PipelineResponse exchange;
  exchange.mutable_rsa_key_exchange()->set_master_secret("m");
  exchange.mutable_rsa_key_exchange()->set_key_block("b");
  exchange.mutable_rsa_key_exchange()->set_key_id("id");
  CleanseSecrets(&exchange);
  EXPECT_EQ(exchange.rsa_key_exchange().master_secret(), "");
  EXPECT_EQ(exchange.rsa_key_exchange().key_block(), "");
  EXPECT_EQ(exchange.rsa_key_exchange().key_id(), "id");  // Public.

  v1::PipelineResponse decrypt;
  decrypt.mutable_decrypt_pre_master()->set_pre_master_secret("p");
  CleanseSecrets(&decrypt);
  EXPECT_EQ(decrypt.decrypt_pre_master().pre_master_secret(), "");
}

TEST(SecretCleansingTest, WipesTls12KeysAndRequestSecrets) {
  v1::DeriveSessionKeysResponse response;
  v1::Tls12SessionKeys* keys = response.mutable_tls12();
  keys->set_client_write_mac_key("a");
  keys->set_server_write_mac_key("b");
  keys->set_client_write_key("c");
  keys->set_server_write_key("d");
  keys->set_client_write_iv("e");
  keys->set_server_write_iv("f");
  CleanseSecrets(&response);
  EXPECT_EQ(keys->ByteSizeLong(), 0u);

  v1::PipelineRequest request;
  request.mutable_derive_session_keys()->mutable_tls13()->set_psk("k");
  request.mutable_derive_session_keys()->mutable_tls13()->set_shared_secret(
      "s");
  CleanseSecrets(&request);
  EXPECT_EQ(request.derive_session_keys().tls13().psk(), "");
  EXPECT_EQ(request.derive_session_keys().tls13().shared_secret(), "");

  v1::DeriveSessionKeysRequest tls12;
  tls12.mutable_tls12()->set_master_secret("m");
  tls12.mutable_tls12()->set_client_random("c");
  CleanseSecrets(&tls12);
  EXPECT_EQ(tls12.tls12().master_secret(), "");
  EXPECT_EQ(tls12.tls12().client_random(), "c");  // Public.
}

TEST(SecretCleansingTest, AllocatorWipesOnRelease) {
  CleansingMessageAllocator<v1::DeriveSessionKeysRequest,
                            v1::DeriveSessionKeysResponse>
      allocator;
  auto* holder = allocator.AllocateMessages();
  holder->request()->mutable_tls12()->set_master_secret(std::string(48, 'm'));
  holder->response()->mutable_tls12()->set_client_write_key("k");
  // The memory is freed by Release; that it is wiped first is what
  // CleanseSecrets' tests above check. Here: Release runs without leaking
  // (ASan) and the holder hands out distinct messages.
  EXPECT_NE(static_cast<void*>(holder->request()),
            static_cast<void*>(holder->response()));
  holder->Release();
}

}  // namespace
}  // namespace keyward::service
