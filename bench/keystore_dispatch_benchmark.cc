// Micro-benchmarks of the keystore's operation dispatch, on the development
// keystore (generated at start-up by scripts/gen-dev-keystore): the key
// lookups a request's KeySelector makes, the access check, and the
// operations through the PrivateKey handle, next to the same operation
// done with a prepared OpenSSL context (bench/raw_crypto) on a key of the
// same type. The handle's extra cost is the dispatch: scheme checks, a new
// OpenSSL context per call.
//
//   bazel run -c opt //bench:keystore_dispatch_benchmark
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/dev_keystore.h"
#include "bench/operation_spec.h"
#include "bench/raw_crypto.h"
#include "bench/workload.h"
#include "benchmark/benchmark.h"
#include "keystore/keystore.h"

namespace keyward::bench {
namespace {

using keystore::KeyEntry;
using keystore::Keystore;

constexpr char kIdentity[] = "spiffe://keyward.dev/edge/a";

// The TLS 1.3 CertificateVerify content (RFC 8446 §4.4.3).
const std::string& SignedContent() {
  static const std::string* const kContent = new std::string(
      absl::StrCat(std::string(64, ' '), "TLS 1.3, server CertificateVerify",
                   std::string(1, '\0'), std::string(32, '\x42')));
  return *kContent;
}

void RegisterKeyBenchmarks(std::shared_ptr<const Keystore> keystore,
                           const KeyEntry& entry, const OperationSpec& sign) {
  const std::string name = entry.name;
  const std::string host = sign.key.host_name;
  const v1::SignatureScheme scheme = sign.key.scheme;
  const KeyEntry* key = &entry;

  benchmark::RegisterBenchmark(
      absl::StrCat("FindByServerName/", name).c_str(),
      [keystore, host](benchmark::State& state) {
        for (auto _ : state) {
          benchmark::DoNotOptimize(keystore->FindByServerName(host));
        }
      });
  benchmark::RegisterBenchmark(
      absl::StrCat("FindByKeyId/", name).c_str(),
      [keystore, key](benchmark::State& state) {
        const absl::Time now = absl::Now();
        for (auto _ : state) {
          benchmark::DoNotOptimize(keystore->FindByKeyId(key->key_id, now));
        }
      });
  benchmark::RegisterBenchmark(
      absl::StrCat("Allows/", name).c_str(), [key](benchmark::State& state) {
        for (auto _ : state) {
          benchmark::DoNotOptimize(
              key->Allows(kIdentity, v1::OPERATION_SIGN_STRUCTURED));
        }
      });
  benchmark::RegisterBenchmark(
      absl::StrCat("SignMessage/", name).c_str(),
      [keystore, key, scheme](benchmark::State& state) {
        for (auto _ : state) {
          absl::StatusOr<std::string> signature =
              key->private_key->SignMessage(scheme, SignedContent());
          if (!signature.ok()) state.SkipWithError("SignMessage failed");
          benchmark::DoNotOptimize(signature);
        }
      });
  // What a Sign request selected by SNI goes through in the keystore: the
  // lookup, the first key that fits the scheme and the caller, the
  // signature.
  benchmark::RegisterBenchmark(
      absl::StrCat("ResolveAndSign/", name).c_str(),
      [keystore, host, scheme](benchmark::State& state) {
        for (auto _ : state) {
          const KeyEntry* chosen = nullptr;
          for (const std::shared_ptr<const KeyEntry>& candidate :
               keystore->FindByServerName(host)) {
            if (candidate->SupportsScheme(scheme) &&
                candidate->Allows(kIdentity, v1::OPERATION_SIGN_STRUCTURED)) {
              chosen = candidate.get();
              break;
            }
          }
          if (chosen == nullptr) {
            state.SkipWithError("no key");
            break;
          }
          absl::StatusOr<std::string> signature =
              chosen->private_key->SignMessage(scheme, SignedContent());
          if (!signature.ok()) state.SkipWithError("SignMessage failed");
          benchmark::DoNotOptimize(signature);
        }
      });
  benchmark::RegisterBenchmark(
      absl::StrCat("RawSign/", name).c_str(), [sign](benchmark::State& state) {
        absl::StatusOr<std::unique_ptr<RawCrypto>> raw =
            RawCrypto::Create(sign);
        absl::StatusOr<std::unique_ptr<RawCrypto::Runner>> runner =
            raw.ok() ? (*raw)->NewRunner() : raw.status();
        if (!runner.ok()) {
          state.SkipWithError("raw OpenSSL set-up failed");
          return;
        }
        for (auto _ : state) {
          if (!(*runner)->Run().ok()) state.SkipWithError("raw sign failed");
        }
      });
}

void RegisterDecryptBenchmarks(std::shared_ptr<const Keystore> keystore,
                               const KeyEntry& entry,
                               const std::string& keystore_dir) {
  absl::StatusOr<OperationSpec> spec =
      ParseOperationSpec(absl::StrCat("decrypt-pre-master:", entry.name));
  if (!spec.ok()) return;
  absl::StatusOr<Workload> workload = Workload::Create(*spec, keystore_dir, 1);
  if (!workload.ok()) {
    std::cerr << workload.status() << "\n";
    return;
  }
  const v1::DecryptPreMasterRequest request =
      workload->Request(0).decrypt_pre_master();
  const KeyEntry* key = &entry;
  benchmark::RegisterBenchmark(
      absl::StrCat("DecryptPreMaster/", entry.name).c_str(),
      [keystore, key, request](benchmark::State& state) {
        for (auto _ : state) {
          absl::StatusOr<handshake::SecretBytes> pre_master =
              key->private_key->DecryptPreMaster(
                  request.encrypted_pre_master(),
                  static_cast<uint16_t>(request.client_version()));
          if (!pre_master.ok()) state.SkipWithError("DecryptPreMaster failed");
          benchmark::DoNotOptimize(pre_master);
        }
      });
  const OperationSpec raw_spec = *spec;
  benchmark::RegisterBenchmark(
      absl::StrCat("RawDecrypt/", entry.name).c_str(),
      [raw_spec](benchmark::State& state) {
        absl::StatusOr<std::unique_ptr<RawCrypto>> raw =
            RawCrypto::Create(raw_spec);
        absl::StatusOr<std::unique_ptr<RawCrypto::Runner>> runner =
            raw.ok() ? (*raw)->NewRunner() : raw.status();
        if (!runner.ok()) {
          state.SkipWithError("raw OpenSSL set-up failed");
          return;
        }
        for (auto _ : state) {
          if (!(*runner)->Run().ok()) state.SkipWithError("raw decrypt failed");
        }
      });
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::string dir = MakeTempDir("keyward-dispatch.");
  if (dir.empty()) {
    std::cerr << "cannot create a temporary directory\n";
    return 1;
  }
  const std::string keystore_dir = dir + "/keystore";
  int status = 1;
  if (absl::Status made = MakeDevKeystore(keystore_dir); !made.ok()) {
    std::cerr << made << "\n";
  } else {
    absl::StatusOr<std::shared_ptr<const Keystore>> keystore =
        Keystore::LoadFromDirectory(keystore_dir, absl::Now(), nullptr);
    if (!keystore.ok()) {
      std::cerr << keystore.status() << "\n";
    } else {
      for (const std::shared_ptr<const KeyEntry>& entry : (*keystore)->keys()) {
        absl::StatusOr<OperationSpec> sign =
            ParseOperationSpec(absl::StrCat("sign:", entry->name));
        if (!sign.ok()) continue;
        RegisterKeyBenchmarks(*keystore, *entry, *sign);
        if (entry->algorithm == v1::KEY_ALGORITHM_RSA) {
          RegisterDecryptBenchmarks(*keystore, *entry, keystore_dir);
        }
      }
      benchmark::RunSpecifiedBenchmarks();
      benchmark::Shutdown();
      status = 0;
    }
  }
  std::filesystem::remove_all(dir);
  return status;
}

}  // namespace
}  // namespace keyward::bench

int main(int argc, char** argv) { return keyward::bench::Main(argc, argv); }
