#include "handshake/tls13_session_keys.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "handshake/tls13_finished.h"
#include "handshake/tls13_key_schedule.h"
#include "handshake/tls13_traffic_keys.h"

namespace keyward::handshake {
namespace {

// DirectionKeys derives the key and IV of `traffic_secret` and takes
// ownership of the secret.
absl::StatusOr<Tls13DirectionKeys> DirectionKeys(const Tls13CipherSuite& suite,
                                                 SecretBytes traffic_secret) {
  absl::StatusOr<Tls13TrafficKeys> keys =
      DeriveTls13TrafficKeys(suite, traffic_secret);
  if (!keys.ok()) return keys.status();
  return Tls13DirectionKeys{std::move(traffic_secret), std::move(keys->key),
                            std::move(keys->iv)};
}

absl::Status RequireNonEmpty(absl::string_view field,
                             absl::Span<const uint8_t> value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}

}  // namespace

absl::StatusOr<Tls13SessionKeys> DeriveTls13SessionKeys(
    const Tls13SessionKeysRequest& request) {
  absl::StatusOr<Tls13CipherSuite> suite =
      Tls13CipherSuiteFromId(request.cipher_suite);
  if (!suite.ok()) return suite.status();
  for (absl::Status status :
       {RequireNonEmpty("server_hello_hash", request.server_hello_hash),
        RequireNonEmpty("server_finished_hash",
                        request.server_finished_hash)}) {
    if (!status.ok()) return status;
  }
  Tls13KeyScheduleInput input;
  input.hash = suite->hash;
  input.psk = request.psk;
  input.shared_secret = request.shared_secret;
  input.server_hello_hash = request.server_hello_hash;
  input.server_finished_hash = request.server_finished_hash;
  input.client_finished_hash = request.client_finished_hash;
  absl::StatusOr<Tls13Secrets> secrets = ComputeTls13KeySchedule(input);
  if (!secrets.ok()) return secrets.status();

  Tls13SessionKeys out;
  const std::pair<SecretBytes*, Tls13DirectionKeys*> directions[] = {
      {&secrets->client_handshake_traffic_secret, &out.client_handshake},
      {&secrets->server_handshake_traffic_secret, &out.server_handshake},
      {&secrets->client_application_traffic_secret_0, &out.client_application},
      {&secrets->server_application_traffic_secret_0, &out.server_application},
  };
  for (const auto& [secret, keys] : directions) {
    absl::StatusOr<Tls13DirectionKeys> derived =
        DirectionKeys(*suite, std::move(*secret));
    if (!derived.ok()) return derived.status();
    *keys = *std::move(derived);
  }
  const std::pair<const SecretBytes*, SecretBytes*> finished[] = {
      {&out.client_handshake.traffic_secret, &out.client_finished_key},
      {&out.server_handshake.traffic_secret, &out.server_finished_key},
  };
  for (const auto& [base_key, finished_key] : finished) {
    absl::StatusOr<SecretBytes> key = Tls13FinishedKey(suite->hash, *base_key);
    if (!key.ok()) return key.status();
    *finished_key = *std::move(key);
  }
  out.exporter_master_secret = std::move(secrets->exporter_master_secret);
  out.resumption_master_secret = std::move(secrets->resumption_master_secret);
  return out;
}

}  // namespace keyward::handshake
