#ifndef KEYWARD_SERVICE_KEY_INFO_H_
#define KEYWARD_SERVICE_KEY_INFO_H_

#include "absl/strings/string_view.h"
#include "keystore/key_entry.h"
#include "keyward/v1/types.pb.h"

namespace keyward::service {

// DescribeKey returns the public description of `key` as `identity` sees
// it: allowed_operations are the operations its access rules grant the
// identity that the key's type can perform (RSA key exchange only for RSA
// keys); allowed_schemes are the key's schemes when a signing operation is
// among them, else empty. Never fails; copies what it needs.
v1::KeyInfo DescribeKey(const keystore::KeyEntry& key,
                        absl::string_view identity);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_KEY_INFO_H_
