#ifndef KEYWARD_BENCH_ECHO_SERVER_H_
#define KEYWARD_BENCH_ECHO_SERVER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace keyward::bench {

// EchoModel: how a gRPC C++ server is threaded. Each answers every unary
// call of any method with the request's bytes, doing nothing else, so that
// what one call costs is gRPC's own share.
enum class EchoModel {
  // The callback API (grpc::CallbackGenericService), as keyward_server
  // serves: gRPC's own threads run the handler.
  kCallback,
  // The asynchronous API with one completion queue and one thread polling
  // it: the handler runs on the thread that read the request.
  kAsyncOneThread,
  // The asynchronous API with two completion queues, a thread polling each.
  kAsyncTwoThreads,
  // kAsyncOneThread with a callback-API service registered beside it
  // (keyward's grpc.health.v1.Health), idle: gRPC's callback threads then
  // poll the same connections.
  kAsyncOneThreadBesideCallback,
};

// EchoModelName: "callback", "async-1", "async-2" or "async-1+callback".
const char* EchoModelName(EchoModel model);

// ParseEchoModels parses a list of EchoModelName values. InvalidArgument,
// listing what is accepted, for an unknown name or an empty list.
absl::StatusOr<std::vector<EchoModel>> ParseEchoModels(
    const std::vector<std::string>& names);

// ServeEcho serves `model` on a plaintext port of 127.0.0.1 chosen by the
// system, prints "serving on 127.0.0.1 (port N, <model>)" to standard
// output, and returns once SIGTERM arrives and the server has shut down.
// The caller must have blocked SIGTERM in every thread (before grpc_init),
// so that it is taken here. Internal when the port cannot be bound.
absl::Status ServeEcho(EchoModel model);

}  // namespace keyward::bench

#endif  // KEYWARD_BENCH_ECHO_SERVER_H_
