#include "bench/raw_crypto.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/process_cpu.h"
#include "bench/workload.h"
#include "keystore/signature_scheme.h"

namespace keyward::bench {
namespace {

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using KdfPtr = std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;

constexpr size_t kPreMasterLength = 48;

absl::Status Failed(absl::string_view call) {
  return absl::InternalError(absl::StrCat("raw OpenSSL: ", call, " failed"));
}

std::string RandomBytes(size_t length) {
  std::string out(length, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
             static_cast<int>(length));
  return out;
}

// SignedContent: what a TLS server signs with `scheme`, as the workload
// asks for it: a TLS 1.3 CertificateVerify (RFC 8446 §4.4.3) for a SHA-256
// transcript hash, or for the PKCS#1 v1.5 schemes a TLS 1.2
// ServerKeyExchange (RFC 5246 §7.4.3: both randoms, then ServerECDHParams
// for X25519).
std::string SignedContent(v1::SignatureScheme scheme) {
  if (SignsTls12ServerKeyExchange(scheme)) {
    return absl::StrCat(RandomBytes(64), X25519ServerParams());
  }
  return absl::StrCat(std::string(64, ' '), "TLS 1.3, server CertificateVerify",
                      std::string(1, '\0'), RandomBytes(32));
}

absl::StatusOr<EvpPkeyPtr> GenerateKey(const DevKey& key) {
  EVP_PKEY* made = nullptr;
  switch (key.algorithm) {
    case v1::KEY_ALGORITHM_RSA:
      made = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                               static_cast<size_t>(key.rsa_bits));
      break;
    case v1::KEY_ALGORITHM_ECDSA_P256:
      made = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case v1::KEY_ALGORITHM_ECDSA_P384:
      made = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case v1::KEY_ALGORITHM_ED25519:
      made = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    default:
      break;
  }
  if (made == nullptr) return Failed("EVP_PKEY_Q_keygen");
  return EvpPkeyPtr(made, &EVP_PKEY_free);
}

}  // namespace

// OpenSslRunner holds one thread's OpenSSL contexts, prepared once.
class RawCrypto::OpenSslRunner final : public RawCrypto::Runner {
 public:
  static absl::StatusOr<std::unique_ptr<Runner>> Create(const RawCrypto& raw) {
    auto runner = std::unique_ptr<OpenSslRunner>(new OpenSslRunner(raw));
    if (absl::Status prepared = runner->Prepare(); !prepared.ok()) {
      return prepared;
    }
    return std::unique_ptr<Runner>(std::move(runner));
  }

  absl::Status Run() override {
    switch (raw_.spec_.kind) {
      case OperationKind::kSign:
        return raw_.spec_.key.algorithm == v1::KEY_ALGORITHM_ED25519
                   ? SignEd25519()
                   : SignDigest();
      case OperationKind::kDecryptPreMaster:
        return Decrypt();
      case OperationKind::kRsaKeyExchange:
        if (absl::Status decrypted = Decrypt(); !decrypted.ok()) {
          return decrypted;
        }
        return DeriveKeys();
    }
    return Failed("unknown operation");
  }

 private:
  explicit OpenSslRunner(const RawCrypto& raw)
      : raw_(raw),
        pkey_ctx_(nullptr, &EVP_PKEY_CTX_free),
        md_ctx_(nullptr, &EVP_MD_CTX_free),
        kdf_ctx_(nullptr, &EVP_KDF_CTX_free),
        message_(SignedContent(raw.spec_.scheme)),
        out_(static_cast<size_t>(EVP_PKEY_get_size(raw.key_.get())), 0),
        session_hash_(RandomBytes(32)),
        randoms_(RandomBytes(64)) {}

  absl::Status Prepare() {
    EVP_PKEY* key = raw_.key_.get();
    const v1::SignatureScheme scheme = raw_.spec_.scheme;
    if (raw_.spec_.kind == OperationKind::kSign &&
        raw_.spec_.key.algorithm == v1::KEY_ALGORITHM_ED25519) {
      md_ctx_.reset(EVP_MD_CTX_new());
      if (md_ctx_ == nullptr ||
          EVP_DigestSignInit(md_ctx_.get(), nullptr, nullptr, nullptr, key) !=
              1) {
        return Failed("EVP_DigestSignInit");
      }
      return absl::OkStatus();
    }
    pkey_ctx_.reset(EVP_PKEY_CTX_new(key, nullptr));
    if (pkey_ctx_ == nullptr) return Failed("EVP_PKEY_CTX_new");
    if (raw_.spec_.kind == OperationKind::kSign) {
      if (EVP_PKEY_sign_init(pkey_ctx_.get()) != 1 ||
          EVP_PKEY_CTX_set_signature_md(pkey_ctx_.get(),
                                        keystore::SchemeDigest(scheme)) != 1) {
        return Failed("EVP_PKEY_sign_init");
      }
      if (keystore::IsRsaPssScheme(scheme) &&
          (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(),
                                        RSA_PKCS1_PSS_PADDING) != 1 ||
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx_.get(),
                                            RSA_PSS_SALTLEN_DIGEST) != 1)) {
        return Failed("EVP_PKEY_CTX_set_rsa_padding (PSS)");
      }
      return absl::OkStatus();
    }
    if (EVP_PKEY_decrypt_init(pkey_ctx_.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(), RSA_NO_PADDING) != 1) {
      return Failed("EVP_PKEY_decrypt_init");
    }
    if (raw_.spec_.kind == OperationKind::kRsaKeyExchange) {
      KdfPtr kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_TLS1_PRF, nullptr),
                 &EVP_KDF_free);
      if (kdf == nullptr) return Failed("EVP_KDF_fetch(TLS1-PRF)");
      kdf_ctx_.reset(EVP_KDF_CTX_new(kdf.get()));
      if (kdf_ctx_ == nullptr) return Failed("EVP_KDF_CTX_new");
    }
    return absl::OkStatus();
  }

  absl::Status SignDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_Digest(message_.data(), message_.size(), digest, &digest_length,
                   keystore::SchemeDigest(raw_.spec_.scheme), nullptr) != 1) {
      return Failed("EVP_Digest");
    }
    size_t length = out_.size();
    if (EVP_PKEY_sign(pkey_ctx_.get(), out_.data(), &length, digest,
                      digest_length) != 1) {
      return Failed("EVP_PKEY_sign");
    }
    return absl::OkStatus();
  }

  absl::Status SignEd25519() {
    size_t length = out_.size();
    if (EVP_DigestSign(md_ctx_.get(), out_.data(), &length,
                       reinterpret_cast<const unsigned char*>(message_.data()),
                       message_.size()) != 1) {
      return Failed("EVP_DigestSign");
    }
    return absl::OkStatus();
  }

  absl::Status Decrypt() {
    const std::string& ciphertext =
        raw_.ciphertexts_[next_++ % raw_.ciphertexts_.size()];
    size_t length = out_.size();
    if (EVP_PKEY_decrypt(
            pkey_ctx_.get(), out_.data(), &length,
            reinterpret_cast<const unsigned char*>(ciphertext.data()),
            ciphertext.size()) != 1 ||
        length < kPreMasterLength) {
      return Failed("EVP_PKEY_decrypt");
    }
    return absl::OkStatus();
  }

  // Prf runs TLS1-PRF(secret, label + seed) into `out` (RFC 5246 §5).
  absl::Status Prf(const unsigned char* secret, size_t secret_length,
                   const char* label, const std::string& seed,
                   unsigned char* out, size_t out_length) {
    char digest[] = "SHA2-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
                                          const_cast<unsigned char*>(secret),
                                          secret_length),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_SEED, const_cast<char*>(label), strlen(label)),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_SEED, const_cast<char*>(seed.data()), seed.size()),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(kdf_ctx_.get(), out, out_length, params) != 1) {
      return Failed("EVP_KDF_derive(TLS1-PRF)");
    }
    return absl::OkStatus();
  }

  // DeriveKeys: the extended master secret (RFC 7627 §4) from the
  // decrypted pre-master (the last 48 bytes of the encoded message), then
  // the key block (RFC 5246 §6.3).
  absl::Status DeriveKeys() {
    const unsigned char* pre_master =
        out_.data() + out_.size() - kPreMasterLength;
    unsigned char master[48];
    unsigned char key_block[kKeyBlockLength];
    if (absl::Status derived =
            Prf(pre_master, kPreMasterLength, "extended master secret",
                session_hash_, master, sizeof(master));
        !derived.ok()) {
      return derived;
    }
    EVP_KDF_CTX_reset(kdf_ctx_.get());
    absl::Status expanded = Prf(master, sizeof(master), "key expansion",
                                randoms_, key_block, sizeof(key_block));
    EVP_KDF_CTX_reset(kdf_ctx_.get());
    OPENSSL_cleanse(master, sizeof(master));
    OPENSSL_cleanse(key_block, sizeof(key_block));
    return expanded;
  }

  const RawCrypto& raw_;
  PkeyCtxPtr pkey_ctx_;
  MdCtxPtr md_ctx_;
  KdfCtxPtr kdf_ctx_;
  const std::string message_;
  std::vector<unsigned char> out_;
  const std::string session_hash_;
  const std::string randoms_;  // server_random || client_random
  size_t next_ = 0;
};

double RawResult::OpsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? static_cast<double>(ops) / seconds : 0;
}

double RawResult::OtherCores() const {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? absl::ToDoubleSeconds(other_cpu) / seconds : 0;
}

double RawResult::CpuMicrosPerOp() const {
  return ops > 0 ? absl::ToDoubleMicroseconds(cpu) / static_cast<double>(ops)
                 : 0;
}

RawCrypto::RawCrypto(OperationSpec spec, EvpPkeyPtr key,
                     std::vector<std::string> ciphertexts)
    : spec_(std::move(spec)),
      key_(std::move(key)),
      ciphertexts_(std::move(ciphertexts)) {}

absl::StatusOr<std::unique_ptr<RawCrypto>> RawCrypto::Create(
    const OperationSpec& spec) {
  absl::StatusOr<EvpPkeyPtr> key = GenerateKey(spec.key);
  if (!key.ok()) return key.status();
  std::vector<std::string> ciphertexts;
  if (spec.kind != OperationKind::kSign) {
    for (int i = 0; i < 16; ++i) {
      std::string pre_master = RandomBytes(kPreMasterLength);
      pre_master[0] = 0x03;
      pre_master[1] = 0x03;
      PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr), &EVP_PKEY_CTX_free);
      std::string out(static_cast<size_t>(EVP_PKEY_get_size(key->get())), '\0');
      size_t length = out.size();
      if (ctx == nullptr || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
          EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
          EVP_PKEY_encrypt(
              ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
              reinterpret_cast<const unsigned char*>(pre_master.data()),
              pre_master.size()) != 1) {
        return Failed("EVP_PKEY_encrypt");
      }
      ciphertexts.push_back(std::move(out));
    }
  }
  return std::unique_ptr<RawCrypto>(
      new RawCrypto(spec, *std::move(key), std::move(ciphertexts)));
}

absl::StatusOr<std::unique_ptr<RawCrypto::Runner>> RawCrypto::NewRunner()
    const {
  return OpenSslRunner::Create(*this);
}

absl::StatusOr<RawResult> RawCrypto::Measure(int threads,
                                             absl::Duration duration) const {
  // One counter per thread, each on its own cache line.
  struct alignas(64) Counter {
    std::atomic<uint64_t> ops{0};
  };
  std::vector<Counter> counters(static_cast<size_t>(threads));
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  absl::Status failure;  // Guarded by mu.
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      absl::Status status = [&]() -> absl::Status {
        absl::StatusOr<std::unique_ptr<Runner>> runner = NewRunner();
        if (!runner.ok()) return runner.status();
        while (!stop.load(std::memory_order_relaxed)) {
          if (absl::Status done = (*runner)->Run(); !done.ok()) return done;
          counters[t].ops.fetch_add(1, std::memory_order_relaxed);
        }
        return absl::OkStatus();
      }();
      if (!status.ok()) {
        absl::MutexLock lock(&mu);
        failure.Update(status);
        stop.store(true);
      }
    });
  }
  auto total = [&] {
    uint64_t sum = 0;
    for (const Counter& counter : counters) sum += counter.ops.load();
    return sum;
  };
  absl::SleepFor(absl::Milliseconds(100));
  const uint64_t ops_before = total();
  const CpuSample cpu_before = SampleCpu({});
  const absl::Time start = absl::Now();
  absl::SleepFor(duration);
  const uint64_t ops_after = total();
  const CpuSample cpu_after = SampleCpu({});
  const absl::Time end = absl::Now();
  stop.store(true);
  for (std::thread& thread : pool) thread.join();
  absl::MutexLock lock(&mu);
  if (!failure.ok()) return failure;
  return RawResult{ops_after - ops_before, end - start,
                   cpu_after.self - cpu_before.self,
                   OtherCpu(cpu_before, cpu_after)};
}

}  // namespace keyward::bench
