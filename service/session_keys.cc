#include "service/session_keys.h"

#include "handshake/tls12_key_block.h"
#include "handshake/tls12_prf.h"
#include "handshake/tls13_session_keys.h"
#include "handshake/tls13_traffic_keys.h"
#include "service/bytes.h"
#include "service/field_checks.h"

namespace keyward::service {
namespace {

absl::Status CheckCipherSuiteRange(uint32_t cipher_suite) {
  if (cipher_suite <= 0xffff) return absl::OkStatus();
  return InvalidField("cipher_suite", "not a 16-bit TLS cipher suite");
}

absl::Status ValidateTls13(const v1::Tls13KeySchedule& tls13) {
  if (absl::Status status = CheckCipherSuiteRange(tls13.cipher_suite());
      !status.ok()) {
    return status;
  }
  absl::StatusOr<handshake::Tls13CipherSuite> suite =
      handshake::Tls13CipherSuiteFromId(tls13.cipher_suite());
  if (!suite.ok()) return suite.status();
  if (tls13.psk().empty() && tls13.shared_secret().empty()) {
    return InvalidField("shared_secret", "required when there is no psk");
  }
  const size_t hash_length = handshake::HashLength(suite->hash);
  return FirstError({
      CheckMaxLength("psk", tls13.psk(), kMaxSessionSecretLength),
      CheckMaxLength("shared_secret", tls13.shared_secret(),
                     kMaxSessionSecretLength),
      CheckLength("server_hello_hash", tls13.server_hello_hash(), hash_length),
      CheckLength("server_finished_hash", tls13.server_finished_hash(),
                  hash_length),
      tls13.client_finished_hash().empty()
          ? absl::OkStatus()
          : CheckLength("client_finished_hash", tls13.client_finished_hash(),
                        hash_length),
  });
}

absl::Status ValidateTls12(const v1::Tls12KeyBlock& tls12) {
  return FirstError({
      CheckCipherSuiteRange(tls12.cipher_suite()),
      handshake::Tls12KeyBlockLayoutForSuite(tls12.cipher_suite()).status(),
      CheckLength("master_secret", tls12.master_secret(),
                  handshake::kTls12MasterSecretLength),
      CheckLength("client_random", tls12.client_random(),
                  handshake::kTls12RandomLength),
      CheckLength("server_random", tls12.server_random(),
                  handshake::kTls12RandomLength),
  });
}

void SetTrafficKeys(const handshake::Tls13DirectionKeys& keys,
                    v1::TrafficKeys* out) {
  SetBytes(keys.traffic_secret, out->mutable_secret());
  SetBytes(keys.key, out->mutable_key());
  SetBytes(keys.iv, out->mutable_iv());
}

absl::StatusOr<v1::DeriveSessionKeysResponse> DeriveTls13(
    const v1::Tls13KeySchedule& tls13) {
  handshake::Tls13SessionKeysRequest request;
  request.cipher_suite = static_cast<uint16_t>(tls13.cipher_suite());
  request.psk = AsBytes(tls13.psk());
  request.shared_secret = AsBytes(tls13.shared_secret());
  request.server_hello_hash = AsBytes(tls13.server_hello_hash());
  request.server_finished_hash = AsBytes(tls13.server_finished_hash());
  request.client_finished_hash = AsBytes(tls13.client_finished_hash());
  absl::StatusOr<handshake::Tls13SessionKeys> keys =
      handshake::DeriveTls13SessionKeys(request);
  if (!keys.ok()) return keys.status();
  v1::DeriveSessionKeysResponse out;
  v1::Tls13SessionKeys* tls13_out = out.mutable_tls13();
  SetTrafficKeys(keys->client_handshake, tls13_out->mutable_client_handshake());
  SetTrafficKeys(keys->server_handshake, tls13_out->mutable_server_handshake());
  SetTrafficKeys(keys->client_application,
                 tls13_out->mutable_client_application());
  SetTrafficKeys(keys->server_application,
                 tls13_out->mutable_server_application());
  SetBytes(keys->exporter_master_secret,
           tls13_out->mutable_exporter_master_secret());
  SetBytes(keys->resumption_master_secret,
           tls13_out->mutable_resumption_master_secret());
  return out;
}

absl::StatusOr<v1::DeriveSessionKeysResponse> DeriveTls12(
    const v1::Tls12KeyBlock& tls12) {
  absl::StatusOr<handshake::Tls12KeyMaterial> keys =
      handshake::DeriveTls12KeyMaterial(
          static_cast<uint16_t>(tls12.cipher_suite()),
          AsBytes(tls12.master_secret()), AsBytes(tls12.server_random()),
          AsBytes(tls12.client_random()));
  if (!keys.ok()) return keys.status();
  v1::DeriveSessionKeysResponse out;
  v1::Tls12SessionKeys* tls12_out = out.mutable_tls12();
  SetBytes(keys->client_write_mac_key,
           tls12_out->mutable_client_write_mac_key());
  SetBytes(keys->server_write_mac_key,
           tls12_out->mutable_server_write_mac_key());
  SetBytes(keys->client_write_key, tls12_out->mutable_client_write_key());
  SetBytes(keys->server_write_key, tls12_out->mutable_server_write_key());
  SetBytes(keys->client_write_iv, tls12_out->mutable_client_write_iv());
  SetBytes(keys->server_write_iv, tls12_out->mutable_server_write_iv());
  return out;
}

}  // namespace

absl::Status ValidateDeriveSessionKeysRequest(
    const v1::DeriveSessionKeysRequest& request) {
  switch (request.schedule_case()) {
    case v1::DeriveSessionKeysRequest::kTls13:
      return WithinField("tls13", ValidateTls13(request.tls13()));
    case v1::DeriveSessionKeysRequest::kTls12:
      return WithinField("tls12", ValidateTls12(request.tls12()));
    case v1::DeriveSessionKeysRequest::SCHEDULE_NOT_SET:
      break;
  }
  return InvalidField("schedule", "required: set tls13 or tls12");
}

absl::StatusOr<v1::DeriveSessionKeysResponse> ComputeSessionKeys(
    const v1::DeriveSessionKeysRequest& request) {
  if (absl::Status valid = ValidateDeriveSessionKeysRequest(request);
      !valid.ok()) {
    return valid;
  }
  if (request.has_tls13()) return DeriveTls13(request.tls13());
  return DeriveTls12(request.tls12());
}

}  // namespace keyward::service
