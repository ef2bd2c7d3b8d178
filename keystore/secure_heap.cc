#include "keystore/secure_heap.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "absl/base/const_init.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace keyward::keystore {
namespace {

// The smallest block handed out (CRYPTO_secure_malloc_init's minsize); one
// BIGNUM limb array of a small number fits.
constexpr size_t kMinBlock = 32;
constexpr size_t kMinSize = 4096;

ABSL_CONST_INIT absl::Mutex init_mu(absl::kConstInit);

}  // namespace

absl::StatusOr<SecureHeapLock> InitSecureHeap(size_t size) {
  if (size < kMinSize || (size & (size - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "secure heap size ", size, " is not a power of two >= ", kMinSize));
  }
  absl::MutexLock lock(&init_mu);
  // The first call's outcome, returned to every later call.
  static int result = -1;
  if (result < 0) {
    result = CRYPTO_secure_malloc_init(size, kMinBlock);
    ERR_clear_error();
  }
  switch (result) {
    case 1:
      return SecureHeapLock::kLocked;
    case 2:
      return SecureHeapLock::kNotLocked;
    default:
      return absl::InternalError(
          "CRYPTO_secure_malloc_init failed: no secure heap");
  }
}

}  // namespace keyward::keystore
