#ifndef KEYWARD_SERVICE_ADMISSION_H_
#define KEYWARD_SERVICE_ADMISSION_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/mutex.h"
#include "service/server_config.pb.h"

namespace keyward::service {

class AdmissionControl;

// AdmissionTicket is one admitted operation. While it is alive it holds one
// slot of the server's in-flight limit and one of its identity's; its
// destruction gives both back. Move-only: a moved-from ticket holds nothing.
// The AdmissionControl that issued it must outlive it.
class AdmissionTicket {
 public:
  AdmissionTicket(AdmissionTicket&& other) noexcept;
  AdmissionTicket& operator=(AdmissionTicket&& other) noexcept;
  AdmissionTicket(const AdmissionTicket&) = delete;
  AdmissionTicket& operator=(const AdmissionTicket&) = delete;
  ~AdmissionTicket();

 private:
  friend class AdmissionControl;
  struct IdentityState;
  using Entry = std::pair<const std::string, IdentityState>;

  AdmissionTicket(AdmissionControl* control, Entry* entry)
      : control_(control), entry_(entry) {}
  void Release();

  // Both null once released or moved from.
  AdmissionControl* control_;
  Entry* entry_;
};

// AdmissionTicket::IdentityState is one identity's share of the limits.
struct AdmissionTicket::IdentityState {
  uint32_t in_flight = 0;
  // Generic cell rate algorithm form of the token bucket: the time at which
  // the bucket is full again. Not after now: full; each admission moves it
  // one emission interval later; admitted while it stays within
  // burst_window_ of now.
  absl::Time full_at = absl::InfinitePast();
};

// AdmissionControl decides whether the server takes on one more operation:
// a global in-flight limit, and per client identity an in-flight limit and
// a token-bucket rate limit (LimitsConfig). Thread-safe; one lock per
// decision and per release.
class AdmissionControl {
 public:
  // `limits` must have its defaults applied (LimitsWithDefaults): a 0
  // in-flight limit admits nothing. rate_per_identity 0 means no rate limit;
  // otherwise a burst below 1 counts as 1. `clock` returns the current time
  // (tests inject a fake one); it is called without the lock held, only when
  // a rate limit is configured.
  explicit AdmissionControl(const config::LimitsConfig& limits,
                            std::function<absl::Time()> clock = absl::Now);

  AdmissionControl(const AdmissionControl&) = delete;
  AdmissionControl& operator=(const AdmissionControl&) = delete;

  // Admit admits one operation of `identity` and returns its ticket, or
  // returns ResourceExhausted naming the limit that was hit (checked in this
  // order: "server in-flight limit (N)", "in-flight limit per identity (N)",
  // "rate limit per identity (N/s)") and ending with "; retry after N ms".
  // The hint is also attached as a payload that RetryAfter reads: 10 ms for
  // the in-flight limits, the time until the identity's next token for the
  // rate limit. A rejected call consumes neither a slot nor a token.
  absl::StatusOr<AdmissionTicket> Admit(absl::string_view identity);

  // in_flight is the number of live tickets.
  size_t in_flight() const { return in_flight_.load(); }

  // tracked_identities is the number of identities whose state is kept:
  // those with an operation in flight or a bucket that is not yet full
  // again. Identities that are neither are dropped when their last ticket
  // is released or, at the latest, when the table has doubled in size.
  size_t tracked_identities() const;

 private:
  friend class AdmissionTicket;
  using IdentityState = AdmissionTicket::IdentityState;
  using Entry = AdmissionTicket::Entry;

  // Release gives back the slots of one ticket of `entry`.
  void Release(Entry* entry);
  // Idle says whether `state` may be forgotten: nothing in flight and a full
  // bucket at `now`.
  bool Idle(const IdentityState& state, absl::Time now) const;
  // SweepLocked drops every idle identity; run when the table has grown to
  // sweep_at_, so its cost is amortised over the insertions since the last.
  void SweepLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_in_flight_;
  const uint32_t max_in_flight_per_identity_;
  const uint32_t rate_per_identity_;
  // Time one token takes to come back (1 s / rate); zero without a rate
  // limit.
  const absl::Duration emission_interval_;
  // How far ahead of now an identity's schedule may run: burst tokens.
  const absl::Duration burst_window_;
  const std::function<absl::Time()> clock_;

  // Guards identities_ and sweep_at_, and orders every change of in_flight_.
  mutable Mutex mu_;
  // Per-identity state. A node map: tickets point at their entry, which is
  // never erased while it has tickets.
  absl::node_hash_map<std::string, IdentityState> identities_
      ABSL_GUARDED_BY(mu_);
  // Table size at which the next sweep runs.
  size_t sweep_at_ ABSL_GUARDED_BY(mu_);
  // Live tickets. Changed only with mu_ held, so the limit is exact; read
  // without it by in_flight().
  std::atomic<size_t> in_flight_{0};
};

// RetryAfter returns the retry hint carried by a status from
// AdmissionControl::Admit, or nullopt when `status` carries none. The
// server sends it as the gRPC trailer "grpc-retry-pushback-ms".
std::optional<absl::Duration> RetryAfter(const absl::Status& status);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_ADMISSION_H_
