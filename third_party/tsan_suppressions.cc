// ThreadSanitizer suppressions for Debian's system libraries.
//
// gRPC (with its reflection library), gpr, Abseil, OpenSSL and Protobuf come
// from Debian as shared libraries built without -fsanitize=thread, so TSan
// sees their memory accesses through interceptors (memmove, memcpy) but not
// the atomics that order them, and reports races inside them that are not
// there. Reports whose stack passes through those libraries are suppressed;
// races in our own (instrumented) code are not. gRPC's C++ layer is partly
// header code compiled into our binaries: its call operation sets
// (grpc::internal::CallOp*) and the server stream objects
// (ServerCallbackReaderWriterImpl) are filled on one thread and completed
// or freed on another, ordered by the uninstrumented core, so they are
// suppressed by name too. TSan calls this hook at start-up; without TSan it
// is never called.
extern "C" const char* __tsan_default_suppressions() {
  return "race:libabsl_*.so*\n"
         "race:libgrpc.so*\n"
         "race:libgrpc++.so*\n"
         "race:libgrpc++_reflection.so*\n"
         "race:libgpr.so*\n"
         "race:libcrypto.so*\n"
         "race:libssl.so*\n"
         "race:libprotobuf.so*\n"
         "race:grpc::internal::CallOp\n"
         "race:ServerCallbackReaderWriterImpl\n"
         "called_from_lib:libabsl_graphcycles_internal.so*\n"
         // Copies inside libstdc++'s out-of-line string code, made for gRPC's
         // internal tables: TSan sees the memcpy but not gRPC's ordering.
         // (Not called_from_lib: that would also hide the pthread locks
         // libstdc++ takes for std::atomic_load of a shared_ptr.)
         "race:libstdc++.so*\n";
}
