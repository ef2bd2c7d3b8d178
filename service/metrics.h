#ifndef KEYWARD_SERVICE_METRICS_H_
#define KEYWARD_SERVICE_METRICS_H_

#include <memory>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "keystore/keystore.h"
#include "service/mutex.h"
#include "service/operation_record.h"
#include "service/server_config.pb.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace keyward::service {

// Metrics holds the service's Prometheus metrics (prometheus-cpp) and, when
// configured, serves them over plain HTTP at GET /metrics. Every method is
// safe to call concurrently from any thread; the recording methods do not
// block beyond a short internal lock.
//
// The metrics, in seconds where they measure time:
//
//   keyward_operations_total{operation, key_id, scheme, outcome}
//       Counter of finished operations (OperationRecord). `outcome` is the
//       lowercase status code name ("ok", "not_found",
//       "resource_exhausted", ...); `key_id` and `scheme` are empty when the
//       record has none. Series of keys a reload removed stay (counters are
//       monotonic); their number is bounded by the keys ever loaded, since
//       OperationRecord.key_id only ever names a resolved key.
//   keyward_operation_duration_seconds{operation, key_type}
//       Histogram of operation latency. Labelled by the kind of key, not its
//       id, to bound the number of series while keeping apart what costs
//       differently: key_type is "rsa-<bits>", "ecdsa-p256", "ecdsa-p384",
//       "ed25519" for a key of the keystore last given to SetKeystore, and
//       empty for a record without a key id or with a key id that keystore
//       does not hold. Buckets in 1-2-5 steps from 5 µs to 5 s, fine
//       enough for a 20 µs ECDSA signature and a 2 ms RSA-4096 one.
//   keyward_in_flight_operations
//       Gauge of operations in progress (AddInFlight).
//   keyward_keystore_reloads_total{outcome="success"|"failure"}
//   keyward_keystore_last_reload_successful                  (1 or 0)
//   keyward_keystore_last_reload_success_timestamp_seconds   (Unix time)
//   keyward_keystore_last_reload_duration_seconds
//       Keystore loads (RecordReload): how many, whether the latest one
//       worked, when the latest successful one happened and how long the
//       latest one took. All 0 until the first RecordReload.
//   keyward_certificate_expiry_timestamp_seconds{key_id, key_name}
//       Gauge per key of the keystore last given to SetKeystore: the Unix
//       time its leaf certificate stops being valid (notAfter).
class Metrics {
 public:
  // Start creates the metrics and, when `config.listen_address` is set
  // ("host:port" with an IP literal or "localhost" as host, "[v6]:port";
  // port 0 picks a free one), serves them on it. InvalidArgument for an
  // address that is malformed or a unix socket; Unavailable when the
  // listener cannot be bound (the address in use, not local...).
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(
      const config::MetricsConfig& config);

  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // port is the port the HTTP endpoint listens on; 0 when there is none.
  int port() const { return port_; }

  // RecordOperation counts one finished operation and observes its
  // latency. Uses no field of `record` beyond operation, key_id, scheme,
  // outcome and latency: identities and request ids are not labels.
  void RecordOperation(const OperationRecord& record);

  // AddInFlight adds `delta` (+1 when an operation starts, -1 when it
  // ends) to the in-flight gauge.
  void AddInFlight(int delta);

  // RecordReload records one keystore load attempt (the initial load too,
  // if the caller wants it counted) that took `took`, succeeded when `ok`
  // and happened at `when` (exported as the success timestamp when `ok`).
  void RecordReload(bool ok, absl::Duration took, absl::Time when);

  // SetKeystore makes `keystore`'s keys the ones whose certificate expiry
  // is exported and whose types label latencies. It replaces the previous
  // set: the expiry series of a key `keystore` does not hold disappear.
  // `keystore` is not retained.
  void SetKeystore(const keystore::Keystore& keystore);

  // Scrape returns what GET /metrics would: the text exposition format of
  // every metric (prometheus::TextSerializer).
  std::string Scrape() const;

 private:
  // Operation counter labels: operation, key id, scheme, outcome.
  using CounterKey =
      std::tuple<std::string, std::string, std::string, absl::StatusCode>;
  // Latency histogram labels: operation, key type.
  using HistogramKey = std::tuple<std::string, std::string>;

  Metrics();

  // CounterFor / HistogramFor return the series for `record`, adding it on
  // first use. Series are never removed from these families, so the
  // pointers stay valid as long as the registry.
  prometheus::Counter* CounterFor(const OperationRecord& record);
  prometheus::Histogram* HistogramFor(const OperationRecord& record);

  // Declared before exposer_: the exposer, destroyed first, reads it.
  std::shared_ptr<prometheus::Registry> registry_;
  // Families, owned by registry_.
  prometheus::Family<prometheus::Counter>* operations_;
  prometheus::Family<prometheus::Histogram>* durations_;
  prometheus::Family<prometheus::Gauge>* expiry_;
  prometheus::Counter* reload_successes_;
  prometheus::Counter* reload_failures_;
  prometheus::Gauge* in_flight_;
  prometheus::Gauge* last_reload_successful_;
  prometheus::Gauge* last_reload_success_time_;
  prometheus::Gauge* last_reload_duration_;

  std::unique_ptr<prometheus::Exposer> exposer_;  // null: no endpoint
  int port_ = 0;

  // Guards the series caches and the keystore-derived state below, and
  // serializes SetKeystore and RecordReload with each other.
  mutable Mutex mu_;
  absl::flat_hash_map<CounterKey, prometheus::Counter*> counters_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<HistogramKey, prometheus::Histogram*> histograms_
      ABSL_GUARDED_BY(mu_);
  // Key id -> key type label, from the last SetKeystore.
  absl::flat_hash_map<std::string, std::string> key_types_ ABSL_GUARDED_BY(mu_);
  // Expiry series of the last SetKeystore, owned by expiry_.
  absl::flat_hash_map<std::string, prometheus::Gauge*> expiry_series_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_METRICS_H_
