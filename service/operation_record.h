#ifndef KEYWARD_SERVICE_OPERATION_RECORD_H_
#define KEYWARD_SERVICE_OPERATION_RECORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace keyward::service {

// OperationRecord describes one finished operation (a unary KeyService or
// AdminService call, or one request of a Pipeline stream) for the audit log
// (audit_log.h) and the metrics (metrics.h). It never holds key bytes,
// request inputs, outputs or any other secret: only who asked what of which
// key, and how it ended.
struct OperationRecord {
  // When the operation arrived, and how long until it was answered.
  absl::Time time;
  absl::Duration latency;
  // The caller's identity (identity.h); empty when none was established.
  std::string identity;
  // The peer as gRPC names it, e.g. "ipv4:127.0.0.1:40312".
  std::string peer;
  // The caller's "x-request-id" metadata (RequestIdFromMetadata), or for a
  // Pipeline request "<stream x-request-id>/<request_id>"; may be empty.
  std::string request_id;
  // The RPC: "ListKeys", "GetKey", "Sign", "DecryptPreMaster",
  // "RsaKeyExchange", "DeriveSessionKeys" or (AdminService) "Reload".
  std::string operation;
  // True for a request that came over a Pipeline stream.
  bool pipelined = false;
  // The id of the key the operation resolved; empty when none was (the
  // selector did not match, or the operation uses no key). Never the
  // caller's selector: callers must not be able to inject label values.
  std::string key_id;
  // The SignatureScheme enum name for Sign (e.g.
  // "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256"); empty otherwise.
  std::string scheme;
  // How it ended.
  absl::StatusCode outcome = absl::StatusCode::kOk;
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_OPERATION_RECORD_H_
