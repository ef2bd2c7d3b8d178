#include "service/metrics.h"

#include <exception>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "service/network_address.h"

namespace keyward::service {
namespace {

// Latency bucket bounds in seconds, 1-2-5 steps from 5 µs to 5 s: at most a
// factor of 2.5 apart, so that a ~20 µs ECDSA signature and a ~2 ms RSA-4096
// one land several buckets apart and seconds of queueing under overload still
// show. Round decimals, so that the "le" labels print as written here.
const std::vector<double>& LatencyBuckets() {
  static const std::vector<double>* const buckets = new std::vector<double>{
      5e-6,  10e-6, 20e-6, 50e-6,  100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3,
      10e-3, 20e-3, 50e-3, 100e-3, 200e-3, 500e-3, 1,      2,    5};
  return *buckets;
}

// KeyTypeLabel names the kind of `key` for the latency histogram.
std::string KeyTypeLabel(const keystore::KeyEntry& key) {
  switch (key.algorithm) {
    case v1::KEY_ALGORITHM_RSA:
      return absl::StrCat("rsa-", key.key_bits);
    case v1::KEY_ALGORITHM_ECDSA_P256:
      return "ecdsa-p256";
    case v1::KEY_ALGORITHM_ECDSA_P384:
      return "ecdsa-p384";
    case v1::KEY_ALGORITHM_ED25519:
      return "ed25519";
    default:
      return "";
  }
}

// CivetwebPort is the civetweb listening_ports entry for `listen_address`:
// an IP literal (in brackets for IPv6) and a port. Civetweb expects IP
// literals, so "localhost" becomes 127.0.0.1.
absl::StatusOr<std::string> CivetwebPort(absl::string_view listen_address) {
  absl::StatusOr<ListenAddress> address = ParseListenAddress(listen_address);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics.listen_address: ", address.status().message()));
  }
  if (address->is_unix_socket) {
    return absl::InvalidArgumentError(
        "metrics.listen_address: a unix socket cannot serve metrics");
  }
  std::string host = absl::AsciiStrToLower(address->host);
  if (host == "localhost") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = absl::StrCat("[", host, "]");
  return absl::StrCat(host, ":", address->port);
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  operations_ = &prometheus::BuildCounter()
                     .Name("keyward_operations_total")
                     .Help(
                         "Finished operations by operation, key id, "
                         "signature scheme and outcome.")
                     .Register(*registry_);
  durations_ = &prometheus::BuildHistogram()
                    .Name("keyward_operation_duration_seconds")
                    .Help("Operation latency by operation and key type.")
                    .Register(*registry_);
  expiry_ = &prometheus::BuildGauge()
                 .Name("keyward_certificate_expiry_timestamp_seconds")
                 .Help(
                     "Unix time at which each key's leaf certificate "
                     "expires (notAfter).")
                 .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("keyward_in_flight_operations")
                    .Help("Operations in progress.")
                    .Register(*registry_)
                    .Add({});
  auto& reloads = prometheus::BuildCounter()
                      .Name("keyward_keystore_reloads_total")
                      .Help("Keystore loads by outcome.")
                      .Register(*registry_);
  reload_successes_ = &reloads.Add({{"outcome", "success"}});
  reload_failures_ = &reloads.Add({{"outcome", "failure"}});
  last_reload_successful_ =
      &prometheus::BuildGauge()
           .Name("keyward_keystore_last_reload_successful")
           .Help("1 when the latest keystore load succeeded, else 0.")
           .Register(*registry_)
           .Add({});
  last_reload_success_time_ =
      &prometheus::BuildGauge()
           .Name("keyward_keystore_last_reload_success_timestamp_seconds")
           .Help("Unix time of the latest successful keystore load.")
           .Register(*registry_)
           .Add({});
  last_reload_duration_ =
      &prometheus::BuildGauge()
           .Name("keyward_keystore_last_reload_duration_seconds")
           .Help("How long the latest keystore load took.")
           .Register(*registry_)
           .Add({});
}

Metrics::~Metrics() = default;

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(
    const config::MetricsConfig& config) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  if (config.listen_address().empty()) return metrics;
  absl::StatusOr<std::string> port = CivetwebPort(config.listen_address());
  if (!port.ok()) return port.status();
  // Civetweb reports a listener it cannot bind by throwing.
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(*port);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "metrics: cannot listen on ", config.listen_address(), ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  if (ports.size() != 1 || ports[0] <= 0) {
    return absl::InternalError(absl::StrCat(
        "metrics: no listening port reported for ", config.listen_address()));
  }
  metrics->port_ = ports[0];
  return metrics;
}

prometheus::Counter* Metrics::CounterFor(const OperationRecord& record) {
  CounterKey key(record.operation, record.key_id, record.scheme,
                 record.outcome);
  MutexLock lock(&mu_);
  prometheus::Counter*& counter = counters_[key];
  if (counter == nullptr) {
    counter = &operations_->Add(
        {{"operation", record.operation},
         {"key_id", record.key_id},
         {"scheme", record.scheme},
         {"outcome",
          absl::AsciiStrToLower(absl::StatusCodeToString(record.outcome))}});
  }
  return counter;
}

prometheus::Histogram* Metrics::HistogramFor(const OperationRecord& record) {
  MutexLock lock(&mu_);
  std::string key_type;
  if (!record.key_id.empty()) {
    auto it = key_types_.find(record.key_id);
    if (it != key_types_.end()) key_type = it->second;
  }
  HistogramKey key(record.operation, std::move(key_type));
  prometheus::Histogram*& histogram = histograms_[key];
  if (histogram == nullptr) {
    histogram = &durations_->Add(
        {{"operation", std::get<0>(key)}, {"key_type", std::get<1>(key)}},
        LatencyBuckets());
  }
  return histogram;
}

void Metrics::RecordOperation(const OperationRecord& record) {
  CounterFor(record)->Increment();
  HistogramFor(record)->Observe(absl::ToDoubleSeconds(record.latency));
}

void Metrics::AddInFlight(int delta) {
  if (delta >= 0) {
    in_flight_->Increment(delta);
  } else {
    in_flight_->Decrement(-static_cast<double>(delta));
  }
}

void Metrics::RecordReload(bool ok, absl::Duration took, absl::Time when) {
  MutexLock lock(&mu_);
  (ok ? reload_successes_ : reload_failures_)->Increment();
  last_reload_successful_->Set(ok ? 1 : 0);
  if (ok) {
    last_reload_success_time_->Set(
        absl::ToDoubleSeconds(when - absl::UnixEpoch()));
  }
  last_reload_duration_->Set(absl::ToDoubleSeconds(took));
}

void Metrics::SetKeystore(const keystore::Keystore& keystore) {
  absl::flat_hash_map<std::string, std::string> key_types;
  absl::flat_hash_map<std::string, prometheus::Gauge*> expiry_series;
  MutexLock lock(&mu_);
  // Adds (or updates) the new keys' series before removing the old ones,
  // so that a scrape in between never misses a key both sets hold.
  for (const auto& key : keystore.keys()) {
    key_types[key->key_id] = KeyTypeLabel(*key);
    prometheus::Gauge& expiry =
        expiry_->Add({{"key_id", key->key_id}, {"key_name", key->name}});
    expiry.Set(absl::ToDoubleSeconds(key->not_after - absl::UnixEpoch()));
    expiry_series[key->key_id] = &expiry;
  }
  for (const auto& [key_id, old] : expiry_series_) {
    auto it = expiry_series.find(key_id);
    if (it == expiry_series.end() || it->second != old) expiry_->Remove(old);
  }
  key_types_ = std::move(key_types);
  expiry_series_ = std::move(expiry_series);
}

std::string Metrics::Scrape() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace keyward::service
