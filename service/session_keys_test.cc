#include "service/session_keys.h"

#include <functional>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/tls13_session_keys.h"
#include "tests/support/openssl_tls_prf.h"

namespace keyward::service {
namespace {

using ::keyward::testing::OpenSslTlsPrf;
using ::testing::StartsWith;

std::string AsString(const handshake::SecretBytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

v1::DeriveSessionKeysRequest Tls13Request(uint32_t suite, size_t hash_length) {
  v1::DeriveSessionKeysRequest request;
  v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
  tls13->set_cipher_suite(suite);
  tls13->set_shared_secret(std::string(32, 'e'));
  tls13->set_server_hello_hash(std::string(hash_length, '1'));
  tls13->set_server_finished_hash(std::string(hash_length, '2'));
  tls13->set_client_finished_hash(std::string(hash_length, '3'));
  return request;
}

v1::DeriveSessionKeysRequest Tls12Request(uint32_t suite) {
  v1::DeriveSessionKeysRequest request;
  v1::Tls12KeyBlock* tls12 = request.mutable_tls12();
  tls12->set_cipher_suite(suite);
  tls12->set_master_secret(std::string(48, 'm'));
  tls12->set_client_random(std::string(32, 'c'));
  tls12->set_server_random(std::string(32, 's'));
  return request;
}

TEST(SessionKeysTest, Tls13ResponseCarriesEverySecretInPlace) {
  const v1::DeriveSessionKeysRequest request = Tls13Request(0x1302, 48);
  absl::StatusOr<v1::DeriveSessionKeysResponse> response =
      ComputeSessionKeys(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_TRUE(response->has_tls13());

  const std::string shared = std::string(32, 'e'), sh = std::string(48, '1'),
                    sf = std::string(48, '2'), cf = std::string(48, '3');
  handshake::Tls13SessionKeysRequest direct;
  direct.cipher_suite = 0x1302;
  direct.shared_secret = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(shared.data()), shared.size());
  direct.server_hello_hash = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(sh.data()), sh.size());
  direct.server_finished_hash = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(sf.data()), sf.size());
  direct.client_finished_hash = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(cf.data()), cf.size());
  absl::StatusOr<handshake::Tls13SessionKeys> want =
      handshake::DeriveTls13SessionKeys(direct);
  ASSERT_TRUE(want.ok()) << want.status();

  const v1::Tls13SessionKeys& got = response->tls13();
  const std::pair<const v1::TrafficKeys*, const handshake::Tls13DirectionKeys*>
      kDirections[] = {
          {&got.client_handshake(), &want->client_handshake},
          {&got.server_handshake(), &want->server_handshake},
          {&got.client_application(), &want->client_application},
          {&got.server_application(), &want->server_application},
      };
  for (const auto& [keys, expected] : kDirections) {
    EXPECT_EQ(keys->secret(), AsString(expected->traffic_secret));
    EXPECT_EQ(keys->key(), AsString(expected->key));
    EXPECT_EQ(keys->iv(), AsString(expected->iv));
    EXPECT_EQ(keys->secret().size(), 48u);
    EXPECT_EQ(keys->key().size(), 32u);  // AES-256-GCM
    EXPECT_EQ(keys->iv().size(), 12u);
  }
  EXPECT_EQ(got.exporter_master_secret(),
            AsString(want->exporter_master_secret));
  EXPECT_EQ(got.resumption_master_secret(),
            AsString(want->resumption_master_secret));
  EXPECT_EQ(got.resumption_master_secret().size(), 48u);
}

TEST(SessionKeysTest, Tls13WithoutClientFinishedHasNoResumptionSecret) {
  v1::DeriveSessionKeysRequest request = Tls13Request(0x1301, 32);
  request.mutable_tls13()->clear_client_finished_hash();
  absl::StatusOr<v1::DeriveSessionKeysResponse> response =
      ComputeSessionKeys(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->tls13().resumption_master_secret().empty());
  EXPECT_EQ(response->tls13().exporter_master_secret().size(), 32u);
}

TEST(SessionKeysTest, Tls12SplitsTheKeyBlockInRfc5246Order) {
  const struct {
    uint32_t suite;
    const char* prf;
    size_t mac, key, iv;
  } kSuites[] = {
      {0xC02F, "SHA2-256", 0, 16, 4},   // ECDHE-RSA-AES128-GCM-SHA256
      {0xC030, "SHA2-384", 0, 32, 4},   // ECDHE-RSA-AES256-GCM-SHA384
      {0xCCA8, "SHA2-256", 0, 32, 12},  // ECDHE-RSA-CHACHA20-POLY1305
      {0xC028, "SHA2-384", 48, 32, 0},  // ECDHE-RSA-AES256-CBC-SHA384
      {0x003C, "SHA2-256", 32, 16, 0},  // RSA-AES128-CBC-SHA256
  };
  for (const auto& suite : kSuites) {
    absl::StatusOr<v1::DeriveSessionKeysResponse> response =
        ComputeSessionKeys(Tls12Request(suite.suite));
    ASSERT_TRUE(response.ok()) << response.status();
    const v1::Tls12SessionKeys& keys = response->tls12();
    const std::string block =
        OpenSslTlsPrf(suite.prf, std::string(48, 'm'), "key expansion",
                      std::string(32, 's') + std::string(32, 'c'),
                      2 * (suite.mac + suite.key + suite.iv));
    size_t at = 0;
    for (const std::string* part :
         {&keys.client_write_mac_key(), &keys.server_write_mac_key()}) {
      EXPECT_EQ(*part, block.substr(at, suite.mac)) << suite.suite;
      at += suite.mac;
    }
    for (const std::string* part :
         {&keys.client_write_key(), &keys.server_write_key()}) {
      EXPECT_EQ(*part, block.substr(at, suite.key)) << suite.suite;
      at += suite.key;
    }
    for (const std::string* part :
         {&keys.client_write_iv(), &keys.server_write_iv()}) {
      EXPECT_EQ(*part, block.substr(at, suite.iv)) << suite.suite;
      at += suite.iv;
    }
    EXPECT_EQ(at, block.size());
  }
}

TEST(SessionKeysTest, NamesEveryBadField) {
  using D = v1::DeriveSessionKeysRequest;
  const std::pair<std::function<void(D*)>, const char*> kCases[] = {
      {[](D* r) { r->clear_schedule(); }, "schedule: required"},
      {[](D* r) { r->mutable_tls13()->set_cipher_suite(0x1304); },
       "tls13.cipher_suite"},
      {[](D* r) { r->mutable_tls13()->set_cipher_suite(0x11301); },
       "tls13.cipher_suite: not a 16-bit"},
      {[](D* r) { r->mutable_tls13()->set_cipher_suite(0); },
       "tls13.cipher_suite"},
      {[](D* r) { r->mutable_tls13()->set_psk(std::string(257, 'k')); },
       "tls13.psk: 257 bytes, at most 256"},
      {[](D* r) {
         r->mutable_tls13()->set_shared_secret(std::string(257, 'e'));
       },
       "tls13.shared_secret: 257 bytes"},
      {[](D* r) { r->mutable_tls13()->clear_shared_secret(); },
       "tls13.shared_secret: required"},
      {[](D* r) { r->mutable_tls13()->clear_server_hello_hash(); },
       "tls13.server_hello_hash: 0 bytes, want 32"},
      {[](D* r) {
         r->mutable_tls13()->set_server_finished_hash(std::string(48, 'x'));
       },
       "tls13.server_finished_hash: 48 bytes, want 32"},
      {[](D* r) {
         r->mutable_tls13()->set_client_finished_hash(std::string(31, 'x'));
       },
       "tls13.client_finished_hash: 31 bytes"},
  };
  for (const auto& [mutate, field] : kCases) {
    v1::DeriveSessionKeysRequest request = Tls13Request(0x1301, 32);
    mutate(&request);
    const absl::Status status = ValidateDeriveSessionKeysRequest(request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(std::string(status.message()), StartsWith(field));
    EXPECT_EQ(ComputeSessionKeys(request).status(), status);
  }
  const std::pair<std::function<void(D*)>, const char*> kTls12Cases[] = {
      {[](D* r) { r->mutable_tls12()->set_cipher_suite(0x002F); },
       "tls12.cipher_suite"},
      {[](D* r) { r->mutable_tls12()->set_cipher_suite(0x1C02F); },
       "tls12.cipher_suite: not a 16-bit"},
      {[](D* r) {
         r->mutable_tls12()->set_master_secret(std::string(47, 'm'));
       },
       "tls12.master_secret: 47 bytes, want 48"},
      {[](D* r) { r->mutable_tls12()->clear_client_random(); },
       "tls12.client_random: 0 bytes"},
      {[](D* r) {
         r->mutable_tls12()->set_server_random(std::string(64, 's'));
       },
       "tls12.server_random: 64 bytes"},
  };
  for (const auto& [mutate, field] : kTls12Cases) {
    v1::DeriveSessionKeysRequest request = Tls12Request(0xC02F);
    mutate(&request);
    const absl::Status status = ValidateDeriveSessionKeysRequest(request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(std::string(status.message()), StartsWith(field));
  }
}

TEST(SessionKeysTest, PskOnlyIsAccepted) {
  v1::DeriveSessionKeysRequest request = Tls13Request(0x1303, 32);
  request.mutable_tls13()->clear_shared_secret();
  request.mutable_tls13()->set_psk(std::string(32, 'k'));
  EXPECT_TRUE(ComputeSessionKeys(request).ok());
}

}  // namespace
}  // namespace keyward::service
