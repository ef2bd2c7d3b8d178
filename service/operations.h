#ifndef KEYWARD_SERVICE_OPERATIONS_H_
#define KEYWARD_SERVICE_OPERATIONS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "keystore/keystore.h"
#include "keyward/v1/key_service.pb.h"
#include "service/call_guard.h"

// The KeyService operations, one function per RPC, shared by the unary
// handlers and the Pipeline stream so that both behave identically. Each
// validates its whole request first (request_validation.h), then resolves
// the key (key_resolution.h), then checks the call guard right before any
// private-key operation. Errors follow keyward/v1/key_service.proto.
// Responses that carry secrets must be wiped with CleanseSecrets
// (secret_cleansing.h) once sent.
namespace keyward::service {

// OperationFacts is what an operation tells its caller about itself, for
// the audit log and metrics (operation_record.h).
struct OperationFacts {
  // The id of the key the selector resolved to; empty until then.
  std::string key_id;
};

// OperationContext is what an operation needs besides its request.
struct OperationContext {
  // The snapshot the whole operation uses; never null.
  std::shared_ptr<const keystore::Keystore> keystore;
  // The caller (see identity.h).
  std::string identity;
  // The time that decides whether PREVIOUS keys are still usable.
  absl::Time now;
  CallGuard guard;
  // Where the operation records its facts; may be null (not wanted).
  OperationFacts* facts = nullptr;
};

absl::StatusOr<v1::ListKeysResponse> RunListKeys(
    const v1::ListKeysRequest& request, const OperationContext& context);

absl::StatusOr<v1::GetKeyResponse> RunGetKey(const v1::GetKeyRequest& request,
                                             const OperationContext& context);

absl::StatusOr<v1::SignResponse> RunSign(const v1::SignRequest& request,
                                         const OperationContext& context);

absl::StatusOr<v1::DecryptPreMasterResponse> RunDecryptPreMaster(
    const v1::DecryptPreMasterRequest& request,
    const OperationContext& context);

absl::StatusOr<v1::RsaKeyExchangeResponse> RunRsaKeyExchange(
    const v1::RsaKeyExchangeRequest& request, const OperationContext& context);

absl::StatusOr<v1::DeriveSessionKeysResponse> RunDeriveSessionKeys(
    const v1::DeriveSessionKeysRequest& request,
    const OperationContext& context);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_OPERATIONS_H_
