// ThreadSanitizer suppressions for Debian's system libraries.
//
// gRPC, gpr, Abseil, OpenSSL and Protobuf come from Debian as shared libraries
// built without -fsanitize=thread, so TSan sees their memory accesses through
// interceptors (memmove, memcpy) but not the atomics that order them, and
// reports races inside them that are not there. Reports whose stack passes
// through those libraries are suppressed; races in our own (instrumented) code
// are not. TSan calls this hook at start-up; without TSan it is never called.
extern "C" const char* __tsan_default_suppressions() {
  return "race:libabsl_*.so*\n"
         "race:libgrpc.so*\n"
         "race:libgrpc++.so*\n"
         "race:libgpr.so*\n"
         "race:libcrypto.so*\n"
         "race:libssl.so*\n"
         "race:libprotobuf.so*\n"
         "called_from_lib:libabsl_graphcycles_internal.so*\n";
}
