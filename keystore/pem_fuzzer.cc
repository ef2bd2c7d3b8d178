// Fuzzes the PEM decoders of the keystore (keystore/private_key_pem.h,
// keystore/certificate_chain.h) with arbitrary file contents: each must
// decode or fail with FailedPrecondition naming the file, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "keystore/certificate_chain.h"
#include "keystore/private_key_pem.h"

namespace {

void CheckError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kFailedPrecondition ||
      !absl::StartsWith(status.message(), "fuzz.pem")) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const keyward::handshake::SecretBytes passphrase = {'f', 'u', 'z', 'z'};
  for (const keyward::handshake::SecretBytes* pw :
       {&passphrase,
        static_cast<const keyward::handshake::SecretBytes*>(nullptr)}) {
    absl::StatusOr<keyward::keystore::EvpPkeyPtr> key =
        keyward::keystore::ParsePrivateKeyPem(absl::MakeConstSpan(data, size),
                                              pw, "fuzz.pem");
    if (!key.ok()) CheckError(key.status());
  }
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<keyward::keystore::CertificateChain> chain =
      keyward::keystore::ParseCertificateChainPem(text, "fuzz.pem");
  if (!chain.ok()) {
    CheckError(chain.status());
    return 0;
  }
  if (chain->certificates.empty() ||
      chain->certificates.size() != chain->der.size()) {
    __builtin_trap();
  }
  absl::StatusOr<keyward::keystore::LeafFacts> facts =
      keyward::keystore::DescribeLeaf(chain->certificates.front().get(),
                                      "fuzz.pem");
  if (!facts.ok()) CheckError(facts.status());
  return 0;
}
