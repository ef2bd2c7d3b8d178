#include "service/key_info.h"

#include <ctime>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace keyward::service {
namespace {

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const timespec ts = absl::ToTimespec(time);
  out->set_seconds(ts.tv_sec);
  out->set_nanos(static_cast<int32_t>(ts.tv_nsec));
}

}  // namespace

v1::KeyInfo DescribeKey(const keystore::KeyEntry& key,
                        absl::string_view identity) {
  v1::KeyInfo out;
  out.set_key_id(key.key_id);
  out.set_name(key.name);
  out.set_version(key.version);
  out.set_state(key.state);
  if (key.state == v1::KEY_STATE_PREVIOUS) {
    SetTimestamp(key.usable_until, out.mutable_usable_until());
  }
  out.set_algorithm(key.algorithm);
  out.set_key_bits(key.key_bits);
  out.set_spki_der(key.spki_der);
  for (const std::string& der : key.certificate_chain_der) {
    out.add_certificate_chain_der(der);
  }
  out.set_certificate_sha256(key.certificate_sha256);
  for (const std::string& host : key.host_names) out.add_host_names(host);
  SetTimestamp(key.not_before, out.mutable_not_before());
  SetTimestamp(key.not_after, out.mutable_not_after());

  bool may_sign = false;
  for (v1::Operation operation : key.AllowedOperations(identity)) {
    if (operation == v1::OPERATION_RSA_KEY_EXCHANGE &&
        key.algorithm != v1::KEY_ALGORITHM_RSA) {
      continue;
    }
    may_sign |= operation == v1::OPERATION_SIGN_STRUCTURED ||
                operation == v1::OPERATION_SIGN_RAW;
    out.add_allowed_operations(operation);
  }
  if (may_sign) {
    for (v1::SignatureScheme scheme : key.SupportedSchemes()) {
      out.add_allowed_schemes(scheme);
    }
  }
  return out;
}

}  // namespace keyward::service
