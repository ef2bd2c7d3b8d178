#ifndef KEYWARD_TESTS_SUPPORT_PEM_CHAIN_H_
#define KEYWARD_TESTS_SUPPORT_PEM_CHAIN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace keyward::testing {

// ReadPemChainDer reads every certificate of the PEM file `path`, in order,
// as DER. Empty (and a gtest failure) when the file cannot be read or holds
// no certificate.
std::vector<std::string> ReadPemChainDer(const std::string& path);

// ValidityOf returns the notBefore and notAfter of a DER certificate as
// Unix seconds ({0, 0} and a gtest failure when it does not parse).
std::pair<int64_t, int64_t> ValidityOf(absl::string_view certificate_der);

// Sha256 returns the SHA-256 of `data` (32 raw bytes).
std::string Sha256(absl::string_view data);

// LowerHex returns `bytes` as lowercase hex.
std::string LowerHex(absl::string_view bytes);

}  // namespace keyward::testing

#endif  // KEYWARD_TESTS_SUPPORT_PEM_CHAIN_H_
