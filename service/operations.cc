#include "service/operations.h"

#include <utility>
#include <vector>

#include "service/bytes.h"
#include "service/key_info.h"
#include "service/key_resolution.h"
#include "service/request_validation.h"
#include "service/rsa_key_exchange.h"
#include "service/server_name.h"
#include "service/session_keys.h"
#include "service/signing.h"

namespace keyward::service {
namespace {

using KeyPtr = std::shared_ptr<const keystore::KeyEntry>;

bool IsListed(const keystore::KeyEntry& key, const OperationContext& context) {
  return key.usable_until > context.now && IsVisibleTo(key, context.identity);
}

absl::StatusOr<KeyPtr> Resolve(const v1::KeySelector& selector,
                               const OperationContext& context, KeyUse use) {
  absl::StatusOr<KeyPtr> key = ResolveKey(*context.keystore, selector,
                                          context.identity, use, context.now);
  if (key.ok() && context.facts != nullptr) {
    context.facts->key_id = (*key)->key_id;
  }
  return key;
}

}  // namespace

absl::StatusOr<v1::ListKeysResponse> RunListKeys(
    const v1::ListKeysRequest& request, const OperationContext& context) {
  if (absl::Status valid = ValidateListKeysRequest(request); !valid.ok()) {
    return valid;
  }
  std::vector<KeyPtr> keys;
  if (request.server_name().empty()) {
    keys = context.keystore->keys();
  } else {
    absl::StatusOr<std::string> host =
        NormalizeServerName(request.server_name(), "server_name");
    if (!host.ok()) return host.status();
    keys = context.keystore->ListCovering(*host);
  }
  v1::ListKeysResponse out;
  for (const KeyPtr& key : keys) {
    if (IsListed(*key, context)) {
      *out.add_keys() = DescribeKey(*key, context.identity);
    }
  }
  return out;
}

absl::StatusOr<v1::GetKeyResponse> RunGetKey(const v1::GetKeyRequest& request,
                                             const OperationContext& context) {
  if (absl::Status valid = ValidateGetKeyRequest(request); !valid.ok()) {
    return valid;
  }
  absl::StatusOr<KeyPtr> key = Resolve(request.key(), context, KeyUse{});
  if (!key.ok()) return key.status();
  v1::GetKeyResponse out;
  *out.mutable_key() = DescribeKey(**key, context.identity);
  return out;
}

absl::StatusOr<v1::SignResponse> RunSign(const v1::SignRequest& request,
                                         const OperationContext& context) {
  if (absl::Status valid = ValidateSignRequest(request); !valid.ok()) {
    return valid;
  }
  const bool raw = request.input_case() == v1::SignRequest::kDigest ||
                   request.input_case() == v1::SignRequest::kMessage;
  absl::StatusOr<KeyPtr> key = Resolve(
      request.key(), context,
      KeyUse{raw ? v1::OPERATION_SIGN_RAW : v1::OPERATION_SIGN_STRUCTURED,
             request.scheme()});
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> signature =
      SignWithKey(*(*key)->private_key, request, context.guard);
  if (!signature.ok()) return signature.status();
  v1::SignResponse out;
  out.set_signature(*std::move(signature));
  out.set_key_id((*key)->key_id);
  return out;
}

absl::StatusOr<v1::DecryptPreMasterResponse> RunDecryptPreMaster(
    const v1::DecryptPreMasterRequest& request,
    const OperationContext& context) {
  if (absl::Status valid = ValidateDecryptPreMasterRequest(request);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<KeyPtr> key =
      Resolve(request.key(), context, KeyUse{v1::OPERATION_RSA_KEY_EXCHANGE});
  if (!key.ok()) return key.status();
  if (absl::Status length = CheckCiphertextLength(
          (*key)->key_bits, request.encrypted_pre_master());
      !length.ok()) {
    return length;
  }
  absl::StatusOr<handshake::SecretBytes> pre_master =
      DecryptPreMasterWithKey(*(*key)->private_key, request, context.guard);
  if (!pre_master.ok()) return pre_master.status();
  v1::DecryptPreMasterResponse out;
  SetBytes(*pre_master, out.mutable_pre_master_secret());
  out.set_key_id((*key)->key_id);
  return out;
}

absl::StatusOr<v1::RsaKeyExchangeResponse> RunRsaKeyExchange(
    const v1::RsaKeyExchangeRequest& request, const OperationContext& context) {
  if (absl::Status valid = ValidateRsaKeyExchangeRequest(request);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<KeyPtr> key =
      Resolve(request.key(), context, KeyUse{v1::OPERATION_RSA_KEY_EXCHANGE});
  if (!key.ok()) return key.status();
  if (absl::Status length = CheckCiphertextLength(
          (*key)->key_bits, request.encrypted_pre_master());
      !length.ok()) {
    return length;
  }
  absl::StatusOr<TlsMasterKeys> keys =
      RsaKeyExchangeWithKey(*(*key)->private_key, request, context.guard);
  if (!keys.ok()) return keys.status();
  v1::RsaKeyExchangeResponse out;
  SetBytes(keys->master_secret, out.mutable_master_secret());
  SetBytes(keys->key_block, out.mutable_key_block());
  out.set_key_id((*key)->key_id);
  return out;
}

absl::StatusOr<v1::DeriveSessionKeysResponse> RunDeriveSessionKeys(
    const v1::DeriveSessionKeysRequest& request,
    const OperationContext& context) {
  // No private key is involved, but a call that is over need not compute.
  if (absl::Status valid = ValidateDeriveSessionKeysRequest(request);
      !valid.ok()) {
    return valid;
  }
  if (absl::Status go = context.guard.Check(); !go.ok()) return go;
  return ComputeSessionKeys(request);
}

}  // namespace keyward::service
