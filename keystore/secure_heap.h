#ifndef KEYWARD_KEYSTORE_SECURE_HEAP_H_
#define KEYWARD_KEYSTORE_SECURE_HEAP_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace keyward::keystore {

// SecureHeapLock: whether the secure heap's pages are locked in RAM.
enum class SecureHeapLock {
  kLocked,  // mlock succeeded: never swapped out
  // Usable, but mlock or madvise(MADV_DONTDUMP) failed (e.g. the secure
  // heap is larger than RLIMIT_MEMLOCK allows).
  kNotLocked,
};

// InitSecureHeap sets up OpenSSL's secure heap (CRYPTO_secure_malloc_init)
// of `size` bytes, a power of two, in its own mmap'ed region with guard
// pages, excluded from core dumps (MADV_DONTDUMP) and locked in memory when
// the process may lock that much; freed blocks are cleansed. Call it once at
// process start, before any key is loaded: only keys decoded afterwards use
// it. Later calls return the first call's result whatever their `size`.
// InvalidArgument when `size` is not a power of two of at least 4 KiB;
// Internal when OpenSSL cannot create the heap.
//
// What it covers: OpenSSL allocates from it the secret numbers of private
// keys as it decodes them: RSA d, p, q, dP, dQ and qInv, the EC private
// scalar and the Ed25519 private key bytes (secure_heap_test checks each).
// What it does not cover: our own buffers (key file contents, passphrases,
// decrypted pre-masters live in handshake::SecretBytes, cleansed on free
// but not locked) and OpenSSL's temporaries outside the BIGNUM code. When
// the heap is full, OpenSSL silently falls back to the normal heap.
absl::StatusOr<SecureHeapLock> InitSecureHeap(size_t size);

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_SECURE_HEAP_H_
