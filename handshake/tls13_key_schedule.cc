#include "handshake/tls13_key_schedule.h"

#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "handshake/hkdf.h"

namespace keyward::handshake {
namespace {

// Derivation is one Derive-Secret output: skipped when the hash is empty.
struct Derivation {
  absl::string_view label;
  absl::Span<const uint8_t> transcript_hash;
  SecretBytes* out;
};

// DeriveAll sets *d.out = Derive-Secret(secret, d.label, d.transcript_hash)
// for each derivation whose transcript hash was given.
absl::Status DeriveAll(HashAlgorithm hash, const SecretBytes& secret,
                       std::initializer_list<Derivation> derivations) {
  for (const Derivation& d : derivations) {
    if (d.transcript_hash.empty()) continue;
    absl::StatusOr<SecretBytes> derived =
        DeriveSecret(hash, secret, d.label, d.transcript_hash);
    if (!derived.ok()) return derived.status();
    *d.out = *std::move(derived);
  }
  return absl::OkStatus();
}

// NextStage returns HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm),
// the step from one stage secret to the next (§7.1).
absl::StatusOr<SecretBytes> NextStage(HashAlgorithm hash,
                                      const SecretBytes& secret,
                                      absl::Span<const uint8_t> empty_hash,
                                      absl::Span<const uint8_t> ikm) {
  absl::StatusOr<SecretBytes> derived =
      DeriveSecret(hash, secret, "derived", empty_hash);
  if (!derived.ok()) return derived.status();
  return HkdfExtract(hash, *derived, ikm);
}

absl::Status ValidateInput(const Tls13KeyScheduleInput& in) {
  if (absl::Status status = CheckHashAlgorithm(in.hash); !status.ok()) {
    return status;
  }
  const std::pair<absl::string_view, std::size_t> secrets[] = {
      {"psk", in.psk.size()}, {"shared_secret", in.shared_secret.size()}};
  for (const auto& [field, size] : secrets) {
    if (size > kMaxTls13InputSecretLength) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", size, " bytes, at most ", kMaxTls13InputSecretLength));
    }
  }
  const std::pair<absl::string_view, std::size_t> hashes[] = {
      {"client_hello_hash", in.client_hello_hash.size()},
      {"server_hello_hash", in.server_hello_hash.size()},
      {"server_finished_hash", in.server_finished_hash.size()},
      {"client_finished_hash", in.client_finished_hash.size()}};
  for (const auto& [field, size] : hashes) {
    if (size != 0 && size != HashLength(in.hash)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", size, " bytes, expected ", HashLength(in.hash), " for ",
          HashAlgorithmName(in.hash)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Tls13Secrets> ComputeTls13KeySchedule(
    const Tls13KeyScheduleInput& in) {
  if (absl::Status status = ValidateInput(in); !status.ok()) return status;
  const HashAlgorithm hash = in.hash;
  const std::vector<uint8_t> zero_bytes(HashLength(hash), 0);
  const absl::Span<const uint8_t> zeros = zero_bytes;
  absl::StatusOr<std::vector<uint8_t>> empty_hash = ComputeHash(hash, {});
  if (!empty_hash.ok()) return empty_hash.status();

  Tls13Secrets out;
  absl::StatusOr<SecretBytes> early =
      HkdfExtract(hash, zeros, in.psk.empty() ? zeros : in.psk);
  if (!early.ok()) return early.status();
  out.early_secret = *std::move(early);
  if (absl::Status status = DeriveAll(hash, out.early_secret,
                                      {{"c e traffic", in.client_hello_hash,
                                        &out.client_early_traffic_secret},
                                       {"e exp master", in.client_hello_hash,
                                        &out.early_exporter_master_secret}});
      !status.ok()) {
    return status;
  }

  absl::StatusOr<SecretBytes> handshake =
      NextStage(hash, out.early_secret, *empty_hash,
                in.shared_secret.empty() ? zeros : in.shared_secret);
  if (!handshake.ok()) return handshake.status();
  out.handshake_secret = *std::move(handshake);
  if (absl::Status status = DeriveAll(hash, out.handshake_secret,
                                      {{"c hs traffic", in.server_hello_hash,
                                        &out.client_handshake_traffic_secret},
                                       {"s hs traffic", in.server_hello_hash,
                                        &out.server_handshake_traffic_secret}});
      !status.ok()) {
    return status;
  }

  absl::StatusOr<SecretBytes> master =
      NextStage(hash, out.handshake_secret, *empty_hash, zeros);
  if (!master.ok()) return master.status();
  out.master_secret = *std::move(master);
  if (absl::Status status = DeriveAll(
          hash, out.master_secret,
          {{"c ap traffic", in.server_finished_hash,
            &out.client_application_traffic_secret_0},
           {"s ap traffic", in.server_finished_hash,
            &out.server_application_traffic_secret_0},
           {"exp master", in.server_finished_hash, &out.exporter_master_secret},
           {"res master", in.client_finished_hash,
            &out.resumption_master_secret}});
      !status.ok()) {
    return status;
  }
  return out;
}

}  // namespace keyward::handshake
