#include "service/rsa_key_exchange.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "handshake/tls12_prf.h"
#include "service/bytes.h"
#include "service/request_validation.h"

namespace keyward::service {
namespace {

absl::StatusOr<handshake::SecretBytes> Decrypt(const keystore::PrivateKey& key,
                                               const std::string& ciphertext,
                                               uint32_t client_version,
                                               const CallGuard& guard) {
  if (absl::Status go = guard.Check(); !go.ok()) return go;
  return key.DecryptPreMaster(ciphertext,
                              static_cast<uint16_t>(client_version));
}

}  // namespace

absl::Status CheckCiphertextLength(uint32_t key_bits,
                                   absl::string_view ciphertext) {
  const size_t modulus_length = (size_t{key_bits} + 7) / 8;
  if (ciphertext.size() == modulus_length) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("encrypted_pre_master: ", ciphertext.size(),
                   " bytes, the key's RSA modulus is ", modulus_length));
}

absl::StatusOr<handshake::SecretBytes> DecryptPreMasterWithKey(
    const keystore::PrivateKey& key, const v1::DecryptPreMasterRequest& request,
    const CallGuard& guard) {
  return Decrypt(key, request.encrypted_pre_master(), request.client_version(),
                 guard);
}

absl::StatusOr<TlsMasterKeys> RsaKeyExchangeWithKey(
    const keystore::PrivateKey& key, const v1::RsaKeyExchangeRequest& request,
    const CallGuard& guard) {
  absl::StatusOr<handshake::HashAlgorithm> hash =
      PrfHashAlgorithm(request.prf_hash(), "prf_hash");
  if (!hash.ok()) return hash.status();
  absl::StatusOr<handshake::SecretBytes> pre_master = Decrypt(
      key, request.encrypted_pre_master(), request.client_version(), guard);
  if (!pre_master.ok()) return pre_master.status();

  absl::StatusOr<handshake::SecretBytes> master_secret =
      request.session_hash().empty()
          ? handshake::Tls12MasterSecret(*hash, *pre_master,
                                         AsBytes(request.client_random()),
                                         AsBytes(request.server_random()))
          : handshake::Tls12ExtendedMasterSecret(
                *hash, *pre_master, AsBytes(request.session_hash()));
  if (!master_secret.ok()) return master_secret.status();
  TlsMasterKeys out;
  if (request.key_block_length() > 0) {
    absl::StatusOr<handshake::SecretBytes> key_block = handshake::Tls12KeyBlock(
        *hash, *master_secret, AsBytes(request.server_random()),
        AsBytes(request.client_random()), request.key_block_length());
    if (!key_block.ok()) return key_block.status();
    out.key_block = *std::move(key_block);
  }
  out.master_secret = *std::move(master_secret);
  return out;
}

}  // namespace keyward::service
