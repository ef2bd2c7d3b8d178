#include "clients/cpp/keyward_client.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "clients/cpp/channel.h"
#include "clients/cpp/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace keyward::client {
namespace {

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

// Async runs one callback-API call; the call's state lives until `done`.
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
          if (status.ok()) {
            owned->done(std::move(owned->response));
          } else {
            owned->done(FromGrpcStatus(status));
          }
        });
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
      admin_(v1::AdminService::NewStub(channel_)) {}

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

absl::StatusOr<std::vector<v1::KeyInfo>> KeywardClient::ListKeys(
    const v1::ListKeysRequest& request, const CallOptions& options) {
  grpc::ClientContext context;
  Prepare(options, &context);
  absl::StatusOr<v1::ListKeysResponse> response = Unary<v1::ListKeysResponse>(
      keys_.get(), &v1::KeyService::Stub::ListKeys, &context, request);
  if (!response.ok()) return response.status();
  return std::vector<v1::KeyInfo>(response->keys().begin(),
                                  response->keys().end());
}

absl::StatusOr<v1::KeyInfo> KeywardClient::GetKey(const v1::KeySelector& key,
                                                  const CallOptions& options) {
  std::string cache_key = key.SerializeAsString();
  absl::Time now = absl::Now();
  if (options_.key_cache_ttl > absl::ZeroDuration()) {
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end() &&
        now - it->second.fetched < options_.key_cache_ttl) {
      return it->second.key;
    }
  }
  grpc::ClientContext context;
  Prepare(options, &context);
  v1::GetKeyRequest request;
  *request.mutable_key() = key;
  absl::StatusOr<v1::GetKeyResponse> response = Unary<v1::GetKeyResponse>(
      keys_.get(), &v1::KeyService::Stub::GetKey, &context, request);
  if (!response.ok()) return response.status();
  if (options_.key_cache_ttl > absl::ZeroDuration()) {
    absl::MutexLock lock(&cache_mu_);
    cache_[cache_key] = CachedKey{response->key(), now};
  }
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
  auto health = grpc::health::v1::Health::NewStub(channel_);
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> response =
      Unary<grpc::health::v1::HealthCheckResponse>(
          health.get(), &grpc::health::v1::Health::Stub::Check, &context,
          grpc::health::v1::HealthCheckRequest());
  if (!response.ok()) return response.status();
  if (response->status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
            response->status()));
  }
  return absl::OkStatus();
}

void KeywardClient::SignAsync(const v1::SignRequest& request,
                              Callback<v1::SignResponse> done,
                              const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(options, context.get());
  Async<v1::SignResponse>(
      std::move(context), request, std::move(done),
      [this](auto... args) { keys_->async()->Sign(args...); });
}

void KeywardClient::DecryptPreMasterAsync(
    const v1::DecryptPreMasterRequest& request,
    Callback<v1::DecryptPreMasterResponse> done, const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(options, context.get());
  Async<v1::DecryptPreMasterResponse>(
      std::move(context), request, std::move(done),
      [this](auto... args) { keys_->async()->DecryptPreMaster(args...); });
}

void KeywardClient::RsaKeyExchangeAsync(
    const v1::RsaKeyExchangeRequest& request,
    Callback<v1::RsaKeyExchangeResponse> done, const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(options, context.get());
  Async<v1::RsaKeyExchangeResponse>(
      std::move(context), request, std::move(done),
      [this](auto... args) { keys_->async()->RsaKeyExchange(args...); });
}

void KeywardClient::DeriveSessionKeysAsync(
    const v1::DeriveSessionKeysRequest& request,
    Callback<v1::DeriveSessionKeysResponse> done, const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  Prepare(options, context.get());
  Async<v1::DeriveSessionKeysResponse>(
      std::move(context), request, std::move(done),
      [this](auto... args) { keys_->async()->DeriveSessionKeys(args...); });
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
