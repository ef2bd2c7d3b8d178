#ifndef KEYWARD_SERVICE_SIGNING_H_
#define KEYWARD_SERVICE_SIGNING_H_

#include <string>

#include "absl/status/statusor.h"
#include "keystore/private_key.h"
#include "keyward/v1/key_service.pb.h"
#include "service/call_guard.h"

namespace keyward::service {

// SignWithKey produces the signature a validated SignRequest asks for with
// `key`, whose policy was already checked (see ResolveKey):
//  - tls13_certificate_verify / tls12_server_key_exchange: the service
//    builds the signed content itself (handshake/tls_signed_content.h);
//  - message: the caller's bytes;
//  - digest: signed as given.
// RSA_PKCS1_MD5_SHA1 signs MD5(x) || SHA-1(x) (RFC 4346 §7.4.3), computed
// here since the keystore only offers that scheme over a digest.
// `guard` is checked immediately before the private-key operation:
// DeadlineExceeded or Cancelled then, and no signature is computed.
// Otherwise fails as PrivateKey::SignMessage / SignDigest do.
absl::StatusOr<std::string> SignWithKey(const keystore::PrivateKey& key,
                                        const v1::SignRequest& request,
                                        const CallGuard& guard);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SIGNING_H_
