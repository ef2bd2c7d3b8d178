// Micro-benchmarks of the constant-time TLS 1.2 pre-master decoding in
// keystore/internal (the step after the raw RSA decryption): the PKCS#1
// v1.5 check and the selection between the real and the synthetic
// pre-master, for valid and invalid encoded messages. Constant time means
// the valid and invalid figures should match.
//
//   bazel run -c opt //bench:pre_master_benchmark
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "keystore/internal/pkcs1_pre_master.h"

namespace keyward::keystore::internal {
namespace {

constexpr uint16_t kTls12 = 0x0303;

// EncodedMessage: EM = 0x00 || 0x02 || PS || 0x00 || pre-master (RFC 8017
// §7.2.1) of `modulus_bytes`, with PS nonzero; `valid` false breaks the
// version bytes, so the check fails as late as it can.
std::vector<uint8_t> EncodedMessage(size_t modulus_bytes, bool valid) {
  std::vector<uint8_t> em(modulus_bytes, 0xA5);
  em[0] = 0x00;
  em[1] = 0x02;
  const size_t separator = modulus_bytes - kPreMasterLength - 1;
  em[separator] = 0x00;
  for (size_t i = separator + 1; i < modulus_bytes; ++i) {
    em[i] = static_cast<uint8_t>(i);
  }
  em[separator + 1] = kTls12 >> 8;
  em[separator + 2] = valid ? (kTls12 & 0xff) : 0x01;
  return em;
}

void BM_Pkcs1PreMasterMask(benchmark::State& state) {
  const std::vector<uint8_t> em = EncodedMessage(
      static_cast<size_t>(state.range(0)) / 8, state.range(1) != 0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Pkcs1PreMasterMask(em, kTls12));
  }
}
BENCHMARK(BM_Pkcs1PreMasterMask)
    ->ArgNames({"bits", "valid"})
    ->ArgsProduct({{2048, 3072, 4096}, {1, 0}});

void BM_SelectPkcs1PreMaster(benchmark::State& state) {
  const std::vector<uint8_t> em = EncodedMessage(
      static_cast<size_t>(state.range(0)) / 8, state.range(1) != 0);
  const std::vector<uint8_t> synthetic(kPreMasterLength, 0x5A);
  std::vector<uint8_t> out(kPreMasterLength);
  for (auto _ : state) {
    SelectPkcs1PreMaster(em, kTls12, synthetic, absl::MakeSpan(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SelectPkcs1PreMaster)
    ->ArgNames({"bits", "valid"})
    ->ArgsProduct({{2048, 3072, 4096}, {1, 0}});

}  // namespace
}  // namespace keyward::keystore::internal

BENCHMARK_MAIN();
