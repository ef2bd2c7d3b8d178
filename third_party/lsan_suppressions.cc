// LeakSanitizer suppressions for Debian's system libraries.
//
// Tests that make many TLS connections through gRPC 1.51's TLS credentials
// (the file-watching certificate provider the server uses) occasionally end
// with a leak report of OpenSSL objects (1 in about 30 runs of a test, e.g.
// 6.8 KB in 45 allocations: CRYPTO_zalloc, OPENSSL_sk_deep_copy,
// CRYPTO_strdup). libcrypto is built without frame pointers, so the report
// holds no frame above it and names no caller; it was never seen before the
// server used those credentials, and it did not reproduce in 24 reruns. Such
// reports are suppressed: any leak whose stack reaches only into libcrypto.
// This also hides a leak of an OpenSSL object by our own code, whose stack
// would look the same; keystore/ and handshake/ tests that do not link gRPC
// do not get this hook and still report those. LSan calls this hook at
// start-up; without LSan it is never called.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcrypto.so*\n";
}
