#include "bench/load_driver.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace keyward::bench {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

enum Phase : int { kWarmup, kMeasuring, kStopping };

// LoadRun is one RunLoad: `in_flight` slots, each a chain of operations
// where a completion issues the slot's next operation. A slot's fields are
// touched only by its own chain, one operation at a time.
class LoadRun {
 public:
  LoadRun(client::KeywardClient& client, const Workload& workload,
          const LoadOptions& options)
      : client_(client),
        workload_(workload),
        options_(options),
        slots_(static_cast<size_t>(options.in_flight)) {
    call_options_.timeout = options.call_timeout;
  }

  LoadResult Run(const WindowHooks& hooks) {
    if (options_.transport == Transport::kStream) {
      for (int i = 0; i < options_.streams; ++i) {
        pipelines_.push_back(client_.OpenPipeline());
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      active_ = options_.in_flight;
    }
    std::vector<std::thread> blocking;
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (options_.transport == Transport::kBlocking) {
        blocking.emplace_back([this, i] { Block(i); });
      } else {
        Issue(i);
      }
    }
    absl::SleepFor(options_.warmup);
    if (hooks.opened) hooks.opened();
    const absl::Time opened = absl::Now();
    phase_.store(kMeasuring, std::memory_order_release);
    absl::SleepFor(options_.duration);
    phase_.store(kStopping, std::memory_order_release);
    const absl::Time closed = absl::Now();
    if (hooks.closed) hooks.closed();

    std::unique_lock<std::mutex> lock(mu_);
    all_done_.wait(lock, [this] { return active_ == 0; });
    lock.unlock();
    for (std::thread& thread : blocking) thread.join();
    for (std::unique_ptr<client::Pipeline>& pipeline : pipelines_) {
      if (absl::Status finished = pipeline->Finish(); !finished.ok()) {
        RecordFailure(finished);
      }
    }
    pipelines_.clear();

    LoadResult out;
    std::vector<int64_t> latencies;
    for (Slot& slot : slots_) {
      latencies.insert(latencies.end(), slot.latencies.begin(),
                       slot.latencies.end());
    }
    out.ops = latencies.size();
    out.window = closed - opened;
    out.latency = Summarize(std::move(latencies));
    lock.lock();
    out.failures = failures_;
    out.first_failure = first_failure_;
    return out;
  }

 private:
  struct Slot {
    std::vector<int64_t> latencies;  // ns, of operations done in the window
    size_t next = 0;                 // index of the next request
  };

  void Issue(size_t slot) {
    const v1::PipelineRequest& request =
        workload_.Request(slots_[slot].next++ % workload_.size());
    const int64_t start = NowNanos();
    if (options_.transport == Transport::kStream) {
      pipelines_[slot % pipelines_.size()]->Submit(
          request, [this, slot, start](absl::StatusOr<v1::PipelineResponse> r) {
            Completed(slot, start, r.ok() ? CheckResponse(*r) : r.status());
          });
      return;
    }
    switch (request.operation_case()) {
      case v1::PipelineRequest::kSign:
        client_.SignAsync(
            request.sign(),
            [this, slot, start](absl::StatusOr<v1::SignResponse> r) {
              Completed(slot, start, r.ok() ? CheckResponse(*r) : r.status());
            },
            call_options_);
        return;
      case v1::PipelineRequest::kDecryptPreMaster:
        client_.DecryptPreMasterAsync(
            request.decrypt_pre_master(),
            [this, slot,
             start](absl::StatusOr<v1::DecryptPreMasterResponse> r) {
              Completed(slot, start, r.ok() ? CheckResponse(*r) : r.status());
            },
            call_options_);
        return;
      case v1::PipelineRequest::kRsaKeyExchange:
        client_.RsaKeyExchangeAsync(
            request.rsa_key_exchange(),
            [this, slot, start](absl::StatusOr<v1::RsaKeyExchangeResponse> r) {
              Completed(slot, start, r.ok() ? CheckResponse(*r) : r.status());
            },
            call_options_);
        return;
      default:
        Completed(slot, start,
                  absl::InternalError("workload request has no operation"));
        return;
    }
  }

  // Block is a slot of the blocking transport: its own thread, one call at
  // a time.
  void Block(size_t slot) {
    bool go_on = true;
    while (go_on) {
      const v1::PipelineRequest& request =
          workload_.Request(slots_[slot].next++ % workload_.size());
      const int64_t start = NowNanos();
      go_on = Record(slot, start, CallBlocking(request));
    }
    SlotDone();
  }

  absl::Status CallBlocking(const v1::PipelineRequest& request) {
    switch (request.operation_case()) {
      case v1::PipelineRequest::kSign: {
        absl::StatusOr<v1::SignResponse> r =
            client_.Sign(request.sign(), call_options_);
        return r.ok() ? CheckResponse(*r) : r.status();
      }
      case v1::PipelineRequest::kDecryptPreMaster: {
        absl::StatusOr<v1::DecryptPreMasterResponse> r =
            client_.DecryptPreMaster(request.decrypt_pre_master(),
                                     call_options_);
        return r.ok() ? CheckResponse(*r) : r.status();
      }
      case v1::PipelineRequest::kRsaKeyExchange: {
        absl::StatusOr<v1::RsaKeyExchangeResponse> r =
            client_.RsaKeyExchange(request.rsa_key_exchange(), call_options_);
        return r.ok() ? CheckResponse(*r) : r.status();
      }
      default:
        return absl::InternalError("workload request has no operation");
    }
  }

  void Completed(size_t slot, int64_t start, const absl::Status& status) {
    if (Record(slot, start, status)) {
      Issue(slot);
    } else {
      SlotDone();
    }
  }

  // Record accounts for one finished operation of `slot`; returns whether
  // the slot goes on.
  bool Record(size_t slot, int64_t start, const absl::Status& status) {
    const int64_t end = NowNanos();
    const int phase = phase_.load(std::memory_order_acquire);
    if (!status.ok()) {
      RecordFailure(status);
    } else if (phase == kMeasuring) {
      slots_[slot].latencies.push_back(end - start);
    }
    return phase != kStopping &&
           (status.ok() ||
            status.code() == absl::StatusCode::kResourceExhausted);
  }

  void SlotDone() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--active_ == 0) all_done_.notify_all();
  }

  void RecordFailure(const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    ++failures_[absl::StatusCodeToString(status.code())];
    if (first_failure_.empty()) first_failure_ = status.ToString();
  }

  client::KeywardClient& client_;
  const Workload& workload_;
  const LoadOptions options_;
  client::CallOptions call_options_;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<client::Pipeline>> pipelines_;
  std::atomic<int> phase_{kWarmup};

  // Guards the fields below.
  std::mutex mu_;
  // Signalled when active_ drops to zero.
  std::condition_variable all_done_;
  // Slots still issuing operations.
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, uint64_t> failures_ ABSL_GUARDED_BY(mu_);
  std::string first_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

const char* TransportName(Transport transport) {
  switch (transport) {
    case Transport::kUnary:
      return "unary";
    case Transport::kStream:
      return "stream";
    case Transport::kBlocking:
      return "blocking";
  }
  return "?";
}

double LoadResult::OpsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(window);
  return seconds > 0 ? static_cast<double>(ops) / seconds : 0;
}

uint64_t LoadResult::Shed() const {
  auto it = failures.find(
      absl::StatusCodeToString(absl::StatusCode::kResourceExhausted));
  return it == failures.end() ? 0 : it->second;
}

uint64_t LoadResult::Errors() const {
  uint64_t all = 0;
  for (const auto& [code, count] : failures) all += count;
  return all - Shed();
}

absl::StatusOr<LoadResult> RunLoad(client::KeywardClient& client,
                                   const Workload& workload,
                                   const LoadOptions& options,
                                   const WindowHooks& hooks) {
  if (options.in_flight < 1 || options.streams < 1) {
    return absl::InvalidArgumentError("in_flight and streams must be >= 1");
  }
  LoadRun run(client, workload, options);
  return run.Run(hooks);
}

}  // namespace keyward::bench
