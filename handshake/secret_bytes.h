#ifndef KEYWARD_HANDSHAKE_SECRET_BYTES_H_
#define KEYWARD_HANDSHAKE_SECRET_BYTES_H_

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace keyward::handshake {

// CleansingAllocator is std::allocator except that deallocate() overwrites
// the memory with OPENSSL_cleanse before freeing it, so secrets do not linger
// in freed heap memory. Growing a container moves its contents and cleanses
// the old buffer the same way.
template <typename T>
class CleansingAllocator {
 public:
  using value_type = T;

  CleansingAllocator() = default;
  template <typename U>
  CleansingAllocator(const CleansingAllocator<U>&) noexcept {}  // NOLINT

  T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }

  void deallocate(T* p, std::size_t n) noexcept {
    OPENSSL_cleanse(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }

  template <typename U>
  bool operator==(const CleansingAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const CleansingAllocator<U>&) const noexcept {
    return false;
  }
};

// SecretBytes holds key material: traffic secrets, keys, IVs, master
// secrets. Its buffer is cleansed when freed. Compare secrets with
// CRYPTO_memcmp, never with operator== (which is not constant time), except
// in tests.
using SecretBytes = std::vector<uint8_t, CleansingAllocator<uint8_t>>;

}  // namespace keyward::handshake

#endif  // KEYWARD_HANDSHAKE_SECRET_BYTES_H_
