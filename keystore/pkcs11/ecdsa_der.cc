#include "keystore/pkcs11/ecdsa_der.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "handshake/internal/openssl_error.h"

namespace keyward::keystore::pkcs11 {

using ::keyward::handshake::internal::OpenSslError;

absl::StatusOr<std::string> EcdsaRawToDer(absl::string_view raw) {
  if (raw.empty() || raw.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ECDSA signature: ", raw.size(),
                     " bytes; r || s needs an even length"));
  }
  const size_t half = raw.size() / 2;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(),
                                                            ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, half, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr ||
      ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return OpenSslError("ECDSA_SIG_set0");
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return OpenSslError("i2d_ECDSA_SIG");
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

}  // namespace keyward::keystore::pkcs11
