#include "bench/echo_server.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "service/health_service.h"

namespace keyward::bench {
namespace {

// Each model's name and the threads that poll its completion queues (none
// for the callback API).
struct ModelFacts {
  EchoModel model;
  const char* name;
  int polling_threads;
};
constexpr ModelFacts kModels[] = {
    {EchoModel::kCallback, "callback", 0},
    {EchoModel::kAsyncOneThread, "async-1", 1},
    {EchoModel::kAsyncTwoThreads, "async-2", 2},
    {EchoModel::kAsyncOneThreadBesideCallback, "async-1+callback", 1},
};

const ModelFacts& FactsOf(EchoModel model) {
  for (const ModelFacts& facts : kModels) {
    if (facts.model == model) return facts;
  }
  return kModels[0];
}

// CallbackEcho answers each call from gRPC's callback threads.
class CallbackEcho final : public grpc::CallbackGenericService {
 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    Reactor() { StartRead(&message_); }

    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
        return;
      }
      StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
    }

    void OnDone() override { delete this; }

   private:
    grpc::ByteBuffer message_;
  };

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* /*context*/) override {
    return new Reactor();
  }
};

// AsyncEchoCall is one call of the asynchronous model, from the request for
// it to its end; it is its own completion-queue tag.
class AsyncEchoCall {
 public:
  // Requests the next call of `service` on `queue`.
  AsyncEchoCall(grpc::AsyncGenericService* service,
                grpc::ServerCompletionQueue* queue)
      : service_(service), queue_(queue), stream_(&context_) {
    service_->RequestCall(&context_, &stream_, queue_, queue_, this);
  }

  // Proceed takes this call's completion: requests the next call and reads
  // the request, then writes it back with the status, then deletes itself.
  // A failed request means that the server is shutting down.
  void Proceed(bool ok) {
    switch (state_) {
      case State::kRequested:
        if (!ok) {
          delete this;
          return;
        }
        new AsyncEchoCall(service_, queue_);
        state_ = State::kReading;
        stream_.Read(&message_, this);
        return;
      case State::kReading:
        state_ = State::kFinishing;
        if (ok) {
          stream_.WriteAndFinish(message_, grpc::WriteOptions(),
                                 grpc::Status::OK, this);
        } else {
          stream_.Finish(
              grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"),
              this);
        }
        return;
      case State::kFinishing:
        delete this;
        return;
    }
  }

 private:
  enum class State { kRequested, kReading, kFinishing };

  grpc::AsyncGenericService* const service_;
  grpc::ServerCompletionQueue* const queue_;
  grpc::GenericServerContext context_;
  grpc::GenericServerAsyncReaderWriter stream_;
  grpc::ByteBuffer message_;
  State state_ = State::kRequested;
};

// PollQueue serves calls from `queue` until it is shut down and drained.
void PollQueue(grpc::AsyncGenericService* service,
               grpc::ServerCompletionQueue* queue) {
  // A few calls requested ahead, so that a new call never waits for one.
  constexpr int kRequestedAhead = 4;
  for (int i = 0; i < kRequestedAhead; ++i) new AsyncEchoCall(service, queue);
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<AsyncEchoCall*>(tag)->Proceed(ok);
}

}  // namespace

const char* EchoModelName(EchoModel model) { return FactsOf(model).name; }

absl::StatusOr<std::vector<EchoModel>> ParseEchoModels(
    const std::vector<std::string>& names) {
  std::vector<EchoModel> models;
  for (const std::string& name : names) {
    const ModelFacts* known = nullptr;
    for (const ModelFacts& facts : kModels) {
      if (name == facts.name) known = &facts;
    }
    if (known == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", name, "\" is not a server model (",
          absl::StrJoin(kModels, ", ",
                        [](std::string* out, const ModelFacts& facts) {
                          out->append(facts.name);
                        }),
          ")"));
    }
    models.push_back(known->model);
  }
  if (models.empty()) {
    return absl::InvalidArgumentError("no server model given");
  }
  return models;
}

absl::Status ServeEcho(EchoModel model) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  CallbackEcho callback;
  grpc::AsyncGenericService async;
  service::HealthService health({});
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  if (model == EchoModel::kCallback) {
    builder.RegisterCallbackGenericService(&callback);
  } else {
    builder.RegisterAsyncGenericService(&async);
    for (int i = 0; i < FactsOf(model).polling_threads; ++i) {
      queues.push_back(builder.AddCompletionQueue());
    }
    if (model == EchoModel::kAsyncOneThreadBesideCallback) {
      builder.RegisterService(&health);
    }
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::InternalError("cannot listen on 127.0.0.1");
  }
  std::vector<std::thread> pollers;
  for (const auto& queue : queues) {
    pollers.emplace_back(PollQueue, &async, queue.get());
  }
  std::cout << "serving on 127.0.0.1 (port " << port << ", "
            << EchoModelName(model) << ")" << std::endl;
  sigset_t terminate;
  sigemptyset(&terminate);
  sigaddset(&terminate, SIGTERM);
  int signal = 0;
  while (sigwait(&terminate, &signal) != 0) {
  }
  health.Shutdown();
  server->Shutdown();
  for (const auto& queue : queues) queue->Shutdown();
  for (std::thread& poller : pollers) poller.join();
  return absl::OkStatus();
}

}  // namespace keyward::bench
