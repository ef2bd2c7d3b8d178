#include "clients/cpp/keyward_client.h"

#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clients/cpp/channel.h"
#include "clients/cpp/status.h"

namespace keyward::client {

// KeyCache maps a serialized KeySelector to its last GetKey answer.
class KeywardClient::KeyCache {
 public:
  explicit KeyCache(absl::Duration ttl) : ttl_(ttl) {}

  // Lookup returns the answer for `selector` if it is younger than the TTL
  // at `now`; nothing when the cache is disabled.
  std::optional<v1::KeyInfo> Lookup(const std::string& selector,
                                    absl::Time now) {
    if (ttl_ <= absl::ZeroDuration()) return std::nullopt;
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(selector);
    if (it == entries_.end() || now - it->second.fetched >= ttl_) {
      return std::nullopt;
    }
    return it->second.key;
  }

  // Store records `key` as the answer for `selector` fetched at `fetched`.
  void Store(const std::string& selector, const v1::KeyInfo& key,
             absl::Time fetched) {
    if (ttl_ <= absl::ZeroDuration()) return;
    absl::MutexLock lock(&mu_);
    entries_[selector] = Entry{key, fetched};
  }

 private:
  struct Entry {
    v1::KeyInfo key;
    absl::Time fetched;
  };

  const absl::Duration ttl_;
  absl::Mutex mu_;
  // Guards entries_.
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Unary runs one blocking call of `stub` and maps its status.
template <typename Response, typename Stub, typename Request, typename Method>
absl::StatusOr<Response> Unary(Stub* stub, Method method,
                               grpc::ClientContext* context,
                               const Request& request) {
  Response response;
  grpc::Status status = (stub->*method)(context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Async runs one callback-API call; its state is freed just before `done`.
template <typename Response, typename Request, typename Start>
void Async(std::unique_ptr<grpc::ClientContext> context, const Request& request,
           Callback<Response> done, Start start) {
  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
    Callback<Response> done;
  };
  auto* call =
      new Call{std::move(context), request, Response(), std::move(done)};
  start(call->context.get(), &call->request, &call->response,
        [call](grpc::Status status) {
          std::unique_ptr<Call> owned(call);
          Callback<Response> done = std::move(owned->done);
          absl::StatusOr<Response> result =
              status.ok() ? absl::StatusOr<Response>(std::move(owned->response))
                          : absl::StatusOr<Response>(FromGrpcStatus(status));
          // The context holds a reference to the channel. Once `done` has
          // run the caller may destroy the client, and the channel must
          // not be destroyed here, on a thread of its own callback queue.
          owned.reset();
          done(std::move(result));
        });
}

std::vector<v1::KeyInfo> KeysOf(const v1::ListKeysResponse& response) {
  return std::vector<v1::KeyInfo>(response.keys().begin(),
                                  response.keys().end());
}

// HealthOf maps a health check answer: OK only for SERVING.
absl::Status HealthOf(const absl::StatusOr<HealthCheckResponse>& response) {
  if (!response.ok()) return response.status();
  if (response->status() != HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        HealthCheckResponse::ServingStatus_Name(response->status()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeywardClient>> KeywardClient::Create(
    const KeywardClientOptions& options) {
  if (options.default_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("default_timeout must be positive");
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateBalancedChannel(options);
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<KeywardClient>(
      new KeywardClient(options, *std::move(channel)));
}

KeywardClient::KeywardClient(const KeywardClientOptions& options,
                             std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      keys_(v1::KeyService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      health_(Health::NewStub(channel_)),
      cache_(std::make_unique<KeyCache>(options.key_cache_ttl)) {}

KeywardClient::~KeywardClient() = default;

void KeywardClient::Prepare(const CallOptions& options,
                            grpc::ClientContext* context) const {
  absl::Duration timeout = options.timeout > absl::ZeroDuration()
                               ? options.timeout
                               : options_.default_timeout;
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!options.request_id.empty()) {
    context->AddMetadata("x-request-id", options.request_id);
  }
}

std::unique_ptr<grpc::ClientContext> KeywardClient::NewContext(
    const CallOptions& options) const {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(options, context.get());
  return context;
}

absl::StatusOr<std::vector<v1::KeyInfo>> KeywardClient::ListKeys(
    const v1::ListKeysRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  absl::StatusOr<v1::ListKeysResponse> response = Unary<v1::ListKeysResponse>(
      keys_.get(), &v1::KeyService::Stub::ListKeys, &context, request);
  if (!response.ok()) return response.status();
  return KeysOf(*response);
}

absl::StatusOr<v1::KeyInfo> KeywardClient::GetKey(const v1::KeySelector& key,
                                                  const CallOptions& options) {
  std::string selector = key.SerializeAsString();
  absl::Time now = absl::Now();
  std::optional<v1::KeyInfo> cached = cache_->Lookup(selector, now);
  if (cached.has_value()) return *std::move(cached);
  grpc::ClientContext context;
  Prepare(options, &context);
  v1::GetKeyRequest request;
  *request.mutable_key() = key;
  absl::StatusOr<v1::GetKeyResponse> response = Unary<v1::GetKeyResponse>(
      keys_.get(), &v1::KeyService::Stub::GetKey, &context, request);
  if (!response.ok()) return response.status();
  cache_->Store(selector, response->key(), now);
  return response->key();
}

absl::StatusOr<v1::SignResponse> KeywardClient::Sign(
    const v1::SignRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return Unary<v1::SignResponse>(keys_.get(), &v1::KeyService::Stub::Sign,
                                 &context, request);
}

absl::StatusOr<v1::DecryptPreMasterResponse> KeywardClient::DecryptPreMaster(
    const v1::DecryptPreMasterRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return Unary<v1::DecryptPreMasterResponse>(
      keys_.get(), &v1::KeyService::Stub::DecryptPreMaster, &context, request);
}

absl::StatusOr<v1::RsaKeyExchangeResponse> KeywardClient::RsaKeyExchange(
    const v1::RsaKeyExchangeRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return Unary<v1::RsaKeyExchangeResponse>(
      keys_.get(), &v1::KeyService::Stub::RsaKeyExchange, &context, request);
}

absl::StatusOr<v1::DeriveSessionKeysResponse> KeywardClient::DeriveSessionKeys(
    const v1::DeriveSessionKeysRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return Unary<v1::DeriveSessionKeysResponse>(
      keys_.get(), &v1::KeyService::Stub::DeriveSessionKeys, &context, request);
}

absl::StatusOr<v1::ReloadResponse> KeywardClient::Reload(
    const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return Unary<v1::ReloadResponse>(admin_.get(),
                                   &v1::AdminService::Stub::Reload, &context,
                                   v1::ReloadRequest());
}

absl::Status KeywardClient::CheckHealth(const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  return HealthOf(Unary<HealthCheckResponse>(
      health_.get(), &Health::Stub::Check, &context, HealthCheckRequest()));
}

void KeywardClient::ListKeysAsync(const v1::ListKeysRequest& request,
                                  Callback<std::vector<v1::KeyInfo>> done,
                                  const CallOptions& options) {
  Async<v1::ListKeysResponse>(
      NewContext(options), request,
      [done = std::move(done)](absl::StatusOr<v1::ListKeysResponse> response) {
        if (!response.ok()) {
          done(response.status());
        } else {
          done(KeysOf(*response));
        }
      },
      [this](auto... args) { keys_->async()->ListKeys(args...); });
}

void KeywardClient::GetKeyAsync(const v1::KeySelector& key,
                                Callback<v1::KeyInfo> done,
                                const CallOptions& options) {
  std::string selector = key.SerializeAsString();
  absl::Time now = absl::Now();
  std::optional<v1::KeyInfo> cached = cache_->Lookup(selector, now);
  if (cached.has_value()) {
    done(*std::move(cached));
    return;
  }
  v1::GetKeyRequest request;
  *request.mutable_key() = key;
  Async<v1::GetKeyResponse>(
      NewContext(options), request,
      [cache = cache_.get(), selector = std::move(selector), now,
       done = std::move(done)](absl::StatusOr<v1::GetKeyResponse> response) {
        if (!response.ok()) {
          done(response.status());
          return;
        }
        cache->Store(selector, response->key(), now);
        done(std::move(*response->mutable_key()));
      },
      [this](auto... args) { keys_->async()->GetKey(args...); });
}

void KeywardClient::SignAsync(const v1::SignRequest& request,
                              Callback<v1::SignResponse> done,
                              const CallOptions& options) {
  Async<v1::SignResponse>(
      NewContext(options), request, std::move(done),
      [this](auto... args) { keys_->async()->Sign(args...); });
}

void KeywardClient::DecryptPreMasterAsync(
    const v1::DecryptPreMasterRequest& request,
    Callback<v1::DecryptPreMasterResponse> done, const CallOptions& options) {
  Async<v1::DecryptPreMasterResponse>(
      NewContext(options), request, std::move(done),
      [this](auto... args) { keys_->async()->DecryptPreMaster(args...); });
}

void KeywardClient::RsaKeyExchangeAsync(
    const v1::RsaKeyExchangeRequest& request,
    Callback<v1::RsaKeyExchangeResponse> done, const CallOptions& options) {
  Async<v1::RsaKeyExchangeResponse>(
      NewContext(options), request, std::move(done),
      [this](auto... args) { keys_->async()->RsaKeyExchange(args...); });
}

void KeywardClient::DeriveSessionKeysAsync(
    const v1::DeriveSessionKeysRequest& request,
    Callback<v1::DeriveSessionKeysResponse> done, const CallOptions& options) {
  Async<v1::DeriveSessionKeysResponse>(
      NewContext(options), request, std::move(done),
      [this](auto... args) { keys_->async()->DeriveSessionKeys(args...); });
}

void KeywardClient::ReloadAsync(Callback<v1::ReloadResponse> done,
                                const CallOptions& options) {
  Async<v1::ReloadResponse>(
      NewContext(options), v1::ReloadRequest(), std::move(done),
      [this](auto... args) { admin_->async()->Reload(args...); });
}

void KeywardClient::CheckHealthAsync(StatusCallback done,
                                     const CallOptions& options) {
  Async<HealthCheckResponse>(
      NewContext(options), HealthCheckRequest(),
      [done = std::move(done)](absl::StatusOr<HealthCheckResponse> response) {
        done(HealthOf(response));
      },
      [this](auto... args) { health_->async()->Check(args...); });
}

std::unique_ptr<Pipeline> KeywardClient::OpenPipeline(
    const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (options.timeout > absl::ZeroDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  }
  if (!options.request_id.empty()) {
    context->AddMetadata("x-request-id", options.request_id);
  }
  return std::make_unique<Pipeline>(keys_.get(), std::move(context));
}

}  // namespace keyward::client
