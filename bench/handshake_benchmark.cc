// Micro-benchmarks of handshake/: the TLS 1.2 PRF (master secret, extended
// master secret, key block) and the TLS 1.3 key schedule, alone and as the
// whole DeriveSessionKeys computation.
//
//   bazel run -c opt //bench:handshake_benchmark
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "handshake/hash_algorithm.h"
#include "handshake/secret_bytes.h"
#include "handshake/tls12_prf.h"
#include "handshake/tls13_key_schedule.h"
#include "handshake/tls13_session_keys.h"

namespace keyward::handshake {
namespace {

// Bytes returns `length` bytes of a fixed, non-trivial pattern.
std::vector<uint8_t> Bytes(size_t length, uint8_t seed) {
  std::vector<uint8_t> out(length);
  for (size_t i = 0; i < length; ++i) {
    out[i] = static_cast<uint8_t>(seed + 31 * i);
  }
  return out;
}

// HashOf maps a benchmark argument (256 or 384) to the hash.
HashAlgorithm HashOf(int64_t bits) {
  return bits == 384 ? HashAlgorithm::kSha384 : HashAlgorithm::kSha256;
}

void BM_Tls12MasterSecret(benchmark::State& state) {
  const HashAlgorithm hash = HashOf(state.range(0));
  const std::vector<uint8_t> pre_master = Bytes(48, 1);
  const std::vector<uint8_t> client_random = Bytes(32, 2);
  const std::vector<uint8_t> server_random = Bytes(32, 3);
  for (auto _ : state) {
    absl::StatusOr<SecretBytes> master =
        Tls12MasterSecret(hash, pre_master, client_random, server_random);
    if (!master.ok()) state.SkipWithError("Tls12MasterSecret failed");
    benchmark::DoNotOptimize(master);
  }
}
BENCHMARK(BM_Tls12MasterSecret)->ArgName("sha")->Arg(256)->Arg(384);

void BM_Tls12ExtendedMasterSecret(benchmark::State& state) {
  const HashAlgorithm hash = HashOf(state.range(0));
  const std::vector<uint8_t> pre_master = Bytes(48, 1);
  const std::vector<uint8_t> session_hash = Bytes(HashLength(hash), 4);
  for (auto _ : state) {
    absl::StatusOr<SecretBytes> master =
        Tls12ExtendedMasterSecret(hash, pre_master, session_hash);
    if (!master.ok()) state.SkipWithError("Tls12ExtendedMasterSecret failed");
    benchmark::DoNotOptimize(master);
  }
}
BENCHMARK(BM_Tls12ExtendedMasterSecret)->ArgName("sha")->Arg(256)->Arg(384);

// Key block lengths: 40 (AES-128-GCM), 72 (AES-256-GCM), 104
// (AES-128-CBC-SHA256), 160 (AES-256-CBC-SHA384).
void BM_Tls12KeyBlock(benchmark::State& state) {
  const HashAlgorithm hash = HashOf(state.range(0));
  const size_t length = static_cast<size_t>(state.range(1));
  const std::vector<uint8_t> master = Bytes(48, 5);
  const std::vector<uint8_t> server_random = Bytes(32, 3);
  const std::vector<uint8_t> client_random = Bytes(32, 2);
  for (auto _ : state) {
    absl::StatusOr<SecretBytes> block =
        Tls12KeyBlock(hash, master, server_random, client_random, length);
    if (!block.ok()) state.SkipWithError("Tls12KeyBlock failed");
    benchmark::DoNotOptimize(block);
  }
}
BENCHMARK(BM_Tls12KeyBlock)
    ->ArgNames({"sha", "bytes"})
    ->Args({256, 40})
    ->Args({256, 104})
    ->Args({384, 72})
    ->Args({384, 160});

// The RFC 8446 §7.1 schedule for a full (EC)DHE handshake: every secret but
// the early traffic ones.
void BM_Tls13KeySchedule(benchmark::State& state) {
  const HashAlgorithm hash = HashOf(state.range(0));
  const size_t hash_length = HashLength(hash);
  const std::vector<uint8_t> shared_secret = Bytes(32, 6);
  const std::vector<uint8_t> server_hello = Bytes(hash_length, 7);
  const std::vector<uint8_t> server_finished = Bytes(hash_length, 8);
  const std::vector<uint8_t> client_finished = Bytes(hash_length, 9);
  Tls13KeyScheduleInput input;
  input.hash = hash;
  input.shared_secret = shared_secret;
  input.server_hello_hash = server_hello;
  input.server_finished_hash = server_finished;
  input.client_finished_hash = client_finished;
  for (auto _ : state) {
    absl::StatusOr<Tls13Secrets> secrets = ComputeTls13KeySchedule(input);
    if (!secrets.ok()) state.SkipWithError("ComputeTls13KeySchedule failed");
    benchmark::DoNotOptimize(secrets);
  }
}
BENCHMARK(BM_Tls13KeySchedule)->ArgName("sha")->Arg(256)->Arg(384);

// DeriveTls13SessionKeys: the schedule plus traffic keys, IVs and Finished
// keys, i.e. the DeriveSessionKeys RPC's computation.
void BM_DeriveTls13SessionKeys(benchmark::State& state) {
  const uint16_t suite = static_cast<uint16_t>(state.range(0));
  const size_t hash_length = suite == 0x1302 ? 48 : 32;
  const std::vector<uint8_t> shared_secret = Bytes(32, 6);
  const std::vector<uint8_t> server_hello = Bytes(hash_length, 7);
  const std::vector<uint8_t> server_finished = Bytes(hash_length, 8);
  const std::vector<uint8_t> client_finished = Bytes(hash_length, 9);
  Tls13SessionKeysRequest request;
  request.cipher_suite = suite;
  request.shared_secret = shared_secret;
  request.server_hello_hash = server_hello;
  request.server_finished_hash = server_finished;
  request.client_finished_hash = client_finished;
  for (auto _ : state) {
    absl::StatusOr<Tls13SessionKeys> keys = DeriveTls13SessionKeys(request);
    if (!keys.ok()) state.SkipWithError("DeriveTls13SessionKeys failed");
    benchmark::DoNotOptimize(keys);
  }
}
BENCHMARK(BM_DeriveTls13SessionKeys)
    ->ArgName("suite")
    ->Arg(0x1301)
    ->Arg(0x1302)
    ->Arg(0x1303);

}  // namespace
}  // namespace keyward::handshake

BENCHMARK_MAIN();
