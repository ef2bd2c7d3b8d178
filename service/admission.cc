#include "service/admission.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace keyward::service {
namespace {

// The status payload that carries the retry hint: decimal milliseconds.
constexpr absl::string_view kRetryAfterTypeUrl =
    "type.googleapis.com/keyward.RetryAfterMs";

// Retry hint for the in-flight limits: slots free up as soon as operations
// finish, which for our operations takes micro- to milliseconds.
constexpr absl::Duration kInFlightRetryHint = absl::Milliseconds(10);

// Table size below which no sweep runs: a few thousand entries cost little
// memory, and sweeping tiny tables would only add work.
constexpr size_t kMinSweepSize = 1024;

// Rejection builds the ResourceExhausted status for `limit` with its hint,
// rounded up to whole milliseconds (at least 1) so that a client waiting
// that long finds the limit lifted.
absl::Status Rejection(absl::string_view limit, absl::Duration retry_after) {
  const int64_t ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(
                               absl::Ceil(retry_after, absl::Milliseconds(1))));
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat(limit, " reached; retry after ", ms, " ms"));
  status.SetPayload(kRetryAfterTypeUrl, absl::Cord(absl::StrCat(ms)));
  return status;
}

}  // namespace

AdmissionTicket::AdmissionTicket(AdmissionTicket&& other) noexcept
    : control_(std::exchange(other.control_, nullptr)),
      entry_(std::exchange(other.entry_, nullptr)) {}

AdmissionTicket& AdmissionTicket::operator=(AdmissionTicket&& other) noexcept {
  if (this != &other) {
    Release();
    control_ = std::exchange(other.control_, nullptr);
    entry_ = std::exchange(other.entry_, nullptr);
  }
  return *this;
}

AdmissionTicket::~AdmissionTicket() { Release(); }

void AdmissionTicket::Release() {
  if (control_ == nullptr) return;
  control_->Release(entry_);
  control_ = nullptr;
  entry_ = nullptr;
}

AdmissionControl::AdmissionControl(const config::LimitsConfig& limits,
                                   std::function<absl::Time()> clock)
    : max_in_flight_(limits.max_in_flight()),
      max_in_flight_per_identity_(limits.max_in_flight_per_identity()),
      rate_per_identity_(limits.rate_per_identity()),
      emission_interval_(rate_per_identity_ == 0
                             ? absl::ZeroDuration()
                             : absl::Seconds(1) / rate_per_identity_),
      burst_window_(emission_interval_ *
                    std::max<uint32_t>(1, limits.burst_per_identity())),
      clock_(std::move(clock)),
      sweep_at_(kMinSweepSize) {}

absl::StatusOr<AdmissionTicket> AdmissionControl::Admit(
    absl::string_view identity) {
  // Without a rate limit every bucket is always full (full_at stays in the
  // infinite past), so the time is not needed.
  const absl::Time now =
      rate_per_identity_ == 0 ? absl::InfinitePast() : clock_();
  MutexLock lock(&mu_);
  if (in_flight_.load() >= max_in_flight_) {
    return Rejection(
        absl::StrCat("server in-flight limit (", max_in_flight_, ")"),
        kInFlightRetryHint);
  }
  auto [it, inserted] = identities_.try_emplace(identity);
  IdentityState& state = it->second;
  if (state.in_flight >= max_in_flight_per_identity_) {
    // Only reachable for an entry that has operations in flight (or with a
    // limit of 0, for a new entry, which must not linger).
    if (inserted) identities_.erase(it);
    return Rejection(absl::StrCat("in-flight limit per identity (",
                                  max_in_flight_per_identity_, ")"),
                     kInFlightRetryHint);
  }
  if (rate_per_identity_ != 0) {
    // Generic cell rate algorithm: admitting schedules the bucket to be full
    // one emission interval later than it would otherwise be; that schedule
    // may run at most burst_window_ ahead of now.
    const absl::Time full_at =
        std::max(state.full_at, now) + emission_interval_;
    if (full_at - now > burst_window_) {
      // A new entry always has a full bucket and a window of at least one
      // token, so this entry is not new.
      return Rejection(
          absl::StrCat("rate limit per identity (", rate_per_identity_, "/s)"),
          full_at - now - burst_window_);
    }
    state.full_at = full_at;
  }
  ++state.in_flight;
  in_flight_.fetch_add(1);
  Entry* entry = &*it;
  if (inserted && identities_.size() >= sweep_at_) SweepLocked(now);
  return AdmissionTicket(this, entry);
}

void AdmissionControl::Release(Entry* entry) {
  const absl::Time now =
      rate_per_identity_ == 0 ? absl::InfinitePast() : clock_();
  MutexLock lock(&mu_);
  in_flight_.fetch_sub(1);
  --entry->second.in_flight;
  if (Idle(entry->second, now)) identities_.erase(entry->first);
}

size_t AdmissionControl::tracked_identities() const {
  MutexLock lock(&mu_);
  return identities_.size();
}

bool AdmissionControl::Idle(const IdentityState& state, absl::Time now) const {
  return state.in_flight == 0 && state.full_at <= now;
}

void AdmissionControl::SweepLocked(absl::Time now) {
  for (auto it = identities_.begin(); it != identities_.end();) {
    if (Idle(it->second, now)) {
      identities_.erase(it++);
    } else {
      ++it;
    }
  }
  sweep_at_ = std::max(kMinSweepSize, 2 * identities_.size());
}

std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  const absl::optional<absl::Cord> payload =
      status.GetPayload(kRetryAfterTypeUrl);
  int64_t ms;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &ms) ||
      ms < 0) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

}  // namespace keyward::service
