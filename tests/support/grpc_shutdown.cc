// Linked into the gRPC integration tests (alwayslink): a gtest environment
// that holds a gRPC library reference for the whole run and releases it with
// grpc_shutdown_blocking() after the last test. gRPC's own shutdown is
// otherwise asynchronous, so its threads could still be exiting while the
// process exits; OpenSSL's per-thread state (random generators) of a thread
// that exits after OpenSSL's atexit cleanup is never freed, and LeakSanitizer
// reports it now and then. Shutting down synchronously joins those threads
// first. Every test must have released its gRPC objects by then.
#include "grpc/grpc.h"
#include "gtest/gtest.h"

namespace keyward::testing {
namespace {

class GrpcShutdownEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { grpc_init(); }
  void TearDown() override { grpc_shutdown_blocking(); }
};

::testing::Environment* const kGrpcShutdown =
    ::testing::AddGlobalTestEnvironment(new GrpcShutdownEnvironment);

}  // namespace
}  // namespace keyward::testing
