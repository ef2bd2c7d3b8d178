#ifndef KEYWARD_CLIENTS_CPP_KEYWARD_CLIENT_H_
#define KEYWARD_CLIENTS_CPP_KEYWARD_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cpp/client_options.h"
#include "clients/cpp/pipeline.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "keyward/v1/admin_service.grpc.pb.h"
#include "keyward/v1/key_service.grpc.pb.h"

namespace keyward::client {

// CallOptions: per-call settings.
struct CallOptions {
  // Deadline of the call; zero means KeywardClientOptions::default_timeout.
  absl::Duration timeout = absl::ZeroDuration();
  // Sent as the "x-request-id" metadata, which the server's audit log
  // records. Optional.
  std::string request_id;
};

// Callback receives the result of an asynchronous call. It runs on a gRPC
// thread: it must not block for long.
template <typename Response>
using Callback = std::function<void(absl::StatusOr<Response>)>;
// StatusCallback receives the outcome of an asynchronous call that has no
// response body (CheckHealthAsync). Same rules as Callback.
using StatusCallback = std::function<void(absl::Status)>;

// KeywardClient calls the Keyward key service over mutual TLS. Errors come
// back as absl::Status with the gRPC code unchanged. Thread-safe: one
// client serves any number of threads, and should be shared (it holds the
// connections).
class KeywardClient {
 public:
  // Create reads the certificate files and sets up the channel (connections
  // are made lazily). InvalidArgument for an empty or mixed endpoint list
  // or out-of-range options; NotFound naming an unreadable file.
  static absl::StatusOr<std::unique_ptr<KeywardClient>> Create(
      const KeywardClientOptions& options);

  ~KeywardClient();
  KeywardClient(const KeywardClient&) = delete;
  KeywardClient& operator=(const KeywardClient&) = delete;

  absl::StatusOr<std::vector<v1::KeyInfo>> ListKeys(
      const v1::ListKeysRequest& request, const CallOptions& options = {});
  // GetKey answers from the cache while the entry is younger than
  // key_cache_ttl.
  absl::StatusOr<v1::KeyInfo> GetKey(const v1::KeySelector& key,
                                     const CallOptions& options = {});
  absl::StatusOr<v1::SignResponse> Sign(const v1::SignRequest& request,
                                        const CallOptions& options = {});
  absl::StatusOr<v1::DecryptPreMasterResponse> DecryptPreMaster(
      const v1::DecryptPreMasterRequest& request,
      const CallOptions& options = {});
  absl::StatusOr<v1::RsaKeyExchangeResponse> RsaKeyExchange(
      const v1::RsaKeyExchangeRequest& request,
      const CallOptions& options = {});
  absl::StatusOr<v1::DeriveSessionKeysResponse> DeriveSessionKeys(
      const v1::DeriveSessionKeysRequest& request,
      const CallOptions& options = {});
  absl::StatusOr<v1::ReloadResponse> Reload(const CallOptions& options = {});
  // CheckHealth is OK when grpc.health.v1 reports SERVING; Unavailable when
  // it reports anything else.
  absl::Status CheckHealth(const CallOptions& options = {});

  // Asynchronous forms: return at once; `done` runs exactly once, with the
  // result the synchronous form would return. Deadlines and retries are
  // those of the synchronous forms. The client must outlive its calls in
  // flight: destroy it only after their `done` has run, and not from
  // within a `done`.
  void ListKeysAsync(const v1::ListKeysRequest& request,
                     Callback<std::vector<v1::KeyInfo>> done,
                     const CallOptions& options = {});
  // GetKeyAsync shares GetKey's cache. On a cache hit `done` runs before
  // GetKeyAsync returns, on the caller's thread: it must not take a lock
  // the caller holds.
  void GetKeyAsync(const v1::KeySelector& key, Callback<v1::KeyInfo> done,
                   const CallOptions& options = {});
  void SignAsync(const v1::SignRequest& request,
                 Callback<v1::SignResponse> done,
                 const CallOptions& options = {});
  void DecryptPreMasterAsync(const v1::DecryptPreMasterRequest& request,
                             Callback<v1::DecryptPreMasterResponse> done,
                             const CallOptions& options = {});
  void RsaKeyExchangeAsync(const v1::RsaKeyExchangeRequest& request,
                           Callback<v1::RsaKeyExchangeResponse> done,
                           const CallOptions& options = {});
  void DeriveSessionKeysAsync(const v1::DeriveSessionKeysRequest& request,
                              Callback<v1::DeriveSessionKeysResponse> done,
                              const CallOptions& options = {});
  void ReloadAsync(Callback<v1::ReloadResponse> done,
                   const CallOptions& options = {});
  void CheckHealthAsync(StatusCallback done, const CallOptions& options = {});

  // OpenPipeline starts a Pipeline stream for callers that want many
  // operations in flight on one stream (see pipeline.h). The stream's
  // deadline is options.timeout if set, else none.
  std::unique_ptr<Pipeline> OpenPipeline(const CallOptions& options = {});

 private:
  KeywardClient(const KeywardClientOptions& options,
                std::shared_ptr<grpc::Channel> channel);

  // Prepare sets the deadline and metadata of `context`.
  void Prepare(const CallOptions& options, grpc::ClientContext* context) const;
  // NewContext returns a context prepared for an asynchronous call.
  std::unique_ptr<grpc::ClientContext> NewContext(
      const CallOptions& options) const;

  // KeyCache holds GetKey answers (defined in keyward_client.cc).
  class KeyCache;

  const KeywardClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::KeyService::Stub> keys_;
  const std::unique_ptr<v1::AdminService::Stub> admin_;
  const std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  const std::unique_ptr<KeyCache> cache_;
};

}  // namespace keyward::client

#endif  // KEYWARD_CLIENTS_CPP_KEYWARD_CLIENT_H_
