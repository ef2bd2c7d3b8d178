#ifndef KEYWARD_CLIENTS_OPENSSL_PROVIDER_DISPATCH_H_
#define KEYWARD_CLIENTS_OPENSSL_PROVIDER_DISPATCH_H_

namespace keyward::provider {

// DispatchFunction casts a provider function to the generic function
// pointer type of OSSL_DISPATCH; libcrypto casts it back by function id.
template <typename F>
void (*DispatchFunction(F* function))(void) {
  return reinterpret_cast<void (*)(void)>(function);
}

}  // namespace keyward::provider

#endif  // KEYWARD_CLIENTS_OPENSSL_PROVIDER_DISPATCH_H_
