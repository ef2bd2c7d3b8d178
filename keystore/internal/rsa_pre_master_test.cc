#include "keystore/internal/rsa_pre_master.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "keystore/internal/rsa_pre_master_testing.h"

namespace keyward::keystore::internal {
namespace {

using ::keyward::handshake::SecretBytes;
using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;
using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

constexpr uint16_t kTls12 = 0x0303;
constexpr size_t kModulusLength = 256;

Bytes ToBytes(const SecretBytes& secret) {
  return Bytes(secret.begin(), secret.end());
}

Pkey GenerateRsa(unsigned int bits) {
  return Pkey(EVP_RSA_gen(bits), EVP_PKEY_free);
}

// GenerateRsaPss returns an RSASSA-PSS key (id-RSASSA-PSS, RFC 4055 §3.1),
// which is an RSA key that must not decrypt.
Pkey GenerateRsaPss() {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr),
      EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return Pkey(nullptr, EVP_PKEY_free);
  }
  return Pkey(key, EVP_PKEY_free);
}

// PemRoundTrip writes `key` as PEM and reads it back: a second, separate
// EVP_PKEY for the same key, as a second replica would load it.
Pkey PemRoundTrip(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return Pkey(nullptr, EVP_PKEY_free);
  }
  return Pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
              EVP_PKEY_free);
}

// PreMaster returns `version` followed by 46 random bytes.
Bytes RandomPreMaster(uint16_t version) {
  Bytes pre_master(kPreMasterLength);
  EXPECT_EQ(RAND_bytes(pre_master.data(), pre_master.size()), 1);
  pre_master[0] = static_cast<uint8_t>(version >> 8);
  pre_master[1] = static_cast<uint8_t>(version & 0xff);
  return pre_master;
}

// Encode returns a kModulusLength-byte type 2 encoding of `message`.
Bytes Encode(const Bytes& message) {
  Bytes em = {0x00, 0x02};
  while (em.size() < kModulusLength - message.size() - 1) {
    em.push_back(static_cast<uint8_t>(0x11 + em.size() % 200));
  }
  em.push_back(0x00);
  em.insert(em.end(), message.begin(), message.end());
  return em;
}

class RsaPreMasterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = GenerateRsa(2048).release();
    other_key_ = GenerateRsa(2048).release();
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(key_);
    EVP_PKEY_free(other_key_);
  }

  void SetUp() override {
    ASSERT_NE(key_, nullptr);
    ASSERT_NE(other_key_, nullptr);
    absl::StatusOr<RsaPreMasterDecrypter> decrypter =
        RsaPreMasterDecrypter::Create(key_);
    ASSERT_TRUE(decrypter.ok()) << decrypter.status();
    decrypter_ = std::make_unique<RsaPreMasterDecrypter>(*decrypter);
  }

  // Decrypt returns the 48 bytes Decrypt gives, failing the test otherwise.
  Bytes Decrypt(const RsaPreMasterDecrypter& decrypter,
                const std::string& ciphertext, uint16_t version = kTls12) {
    absl::StatusOr<SecretBytes> out = decrypter.Decrypt(ciphertext, version);
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return {};
    EXPECT_EQ(out->size(), kPreMasterLength);
    return ToBytes(*out);
  }

  std::string RawEncrypt(const Bytes& em) {
    absl::StatusOr<std::string> c = test::RawRsaPublic(key_, em);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.value_or("");
  }

  Bytes ExpectedSynthetic(EVP_PKEY* key, const std::string& ciphertext) {
    absl::StatusOr<Bytes> synthetic =
        test::ExpectedSyntheticPreMaster(key, ciphertext);
    EXPECT_TRUE(synthetic.ok()) << synthetic.status();
    return synthetic.value_or(Bytes());
  }

  static EVP_PKEY* key_;
  static EVP_PKEY* other_key_;
  std::unique_ptr<RsaPreMasterDecrypter> decrypter_;
};

EVP_PKEY* RsaPreMasterTest::key_ = nullptr;
EVP_PKEY* RsaPreMasterTest::other_key_ = nullptr;

TEST_F(RsaPreMasterTest, WellFormedCiphertextGivesThePreMaster) {
  int checked = 0;
  for (uint16_t version : {0x0303, 0x0302, 0x0301, 0x0300}) {
    for (int i = 0; i < 5; ++i) {
      const Bytes pre_master = RandomPreMaster(version);
      absl::StatusOr<std::string> c = test::Pkcs1Encrypt(key_, pre_master);
      ASSERT_TRUE(c.ok()) << c.status();
      EXPECT_EQ(Decrypt(*decrypter_, *c, version), pre_master);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20);
}

// A crafted encoded message carrying a TLS pre-master, wrong in one way.
struct BadCase {
  std::string name;
  Bytes em;
  uint16_t version = kTls12;
};

// LastPreMasterBytes returns what a decoder that skipped every check would
// return for `em`.
Bytes LastPreMasterBytes(const Bytes& em) {
  return Bytes(em.end() - kPreMasterLength, em.end());
}

std::vector<BadCase> BadCases() {
  const Bytes valid = Encode(RandomPreMaster(kTls12));
  std::vector<BadCase> cases;
  auto with = [&](std::string name, size_t index, uint8_t value) {
    Bytes em = valid;
    em[index] = value;
    cases.push_back({std::move(name), em});
  };
  with("first byte 01", 0, 0x01);
  with("block type 00", 1, 0x00);
  with("block type 01", 1, 0x01);
  with("block type 03", 1, 0x03);
  with("padding of 0 bytes", 2, 0x00);
  with("padding of 7 bytes", 9, 0x00);
  with("no separator", kModulusLength - kPreMasterLength - 1, 0x01);
  with("major version 02", kModulusLength - kPreMasterLength, 0x02);
  with("minor version 01", kModulusLength - kPreMasterLength + 1, 0x01);
  with("minor version 04", kModulusLength - kPreMasterLength + 1, 0x04);
  // Messages of the wrong length that still start with the version.
  for (size_t length : {0, 2, 47, 49, 100}) {
    Bytes message = RandomPreMaster(kTls12);
    message.resize(length, 0x77);
    cases.push_back(
        {"message of " + std::to_string(length) + " bytes", Encode(message)});
  }
  // Wrong lengths with the version where a 48-byte message would start:
  // a pre-master behind one more byte, and the separator followed by the
  // message's first byte.
  Bytes longer = {0x55};
  longer.insert(longer.end(), valid.end() - kPreMasterLength, valid.end());
  cases.push_back({"49 bytes ending in a pre-master", Encode(longer)});
  const Bytes shorter = Encode(Bytes(47, 0x03));
  cases.push_back({"47 bytes, version 0x0003", shorter, 0x0003});
  return cases;
}

TEST_F(RsaPreMasterTest, BadCiphertextsGiveDistinctStableSyntheticValues) {
  std::set<Bytes> outputs;
  int checked = 0;
  for (const BadCase& bad : BadCases()) {
    SCOPED_TRACE(bad.name);
    ASSERT_EQ(bad.em.size(), kModulusLength);
    const std::string c = RawEncrypt(bad.em);
    const Bytes first = Decrypt(*decrypter_, c, bad.version);
    EXPECT_EQ(Decrypt(*decrypter_, c, bad.version), first)
        << "not stable on repeat";
    EXPECT_NE(first, LastPreMasterBytes(bad.em));
    EXPECT_EQ(first, ExpectedSynthetic(key_, c));
    EXPECT_TRUE(outputs.insert(first).second) << "same as an earlier case";
    ++checked;
  }
  EXPECT_EQ(checked, 17);
}

TEST_F(RsaPreMasterTest, WrongClientVersionGivesTheSyntheticValue) {
  const Bytes pre_master = RandomPreMaster(kTls12);
  absl::StatusOr<std::string> c = test::Pkcs1Encrypt(key_, pre_master);
  ASSERT_TRUE(c.ok()) << c.status();
  const Bytes synthetic = ExpectedSynthetic(key_, *c);
  for (uint16_t version : {0x0302, 0x0203, 0x0000, 0xffff}) {
    EXPECT_EQ(Decrypt(*decrypter_, *c, version), synthetic) << version;
  }
  EXPECT_EQ(Decrypt(*decrypter_, *c, kTls12), pre_master);
}

TEST_F(RsaPreMasterTest, OutOfRangeCiphertextsGiveTheSyntheticValue) {
  BIGNUM* raw_n = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(key_, OSSL_PKEY_PARAM_RSA_N, &raw_n), 1);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(raw_n, BN_free);
  std::string modulus(kModulusLength, '\0');
  ASSERT_EQ(BN_bn2binpad(n.get(), reinterpret_cast<uint8_t*>(modulus.data()),
                         kModulusLength),
            static_cast<int>(kModulusLength));
  std::string above_modulus = modulus;
  above_modulus.back() = static_cast<char>(above_modulus.back() + 1);
  // c = 0 is below n: it decrypts, to an all-zero EM.
  int checked = 0;
  for (const std::string& c :
       {modulus, above_modulus, std::string(kModulusLength, '\xff'),
        std::string(kModulusLength, '\0')}) {
    EXPECT_EQ(Decrypt(*decrypter_, c), ExpectedSynthetic(key_, c));
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST_F(RsaPreMasterTest, WrongCiphertextLengthIsInvalidArgument) {
  int checked = 0;
  for (size_t length : {size_t{0}, size_t{1}, kModulusLength - 1,
                        kModulusLength + 1, 2 * kModulusLength}) {
    absl::StatusOr<SecretBytes> out =
        decrypter_->Decrypt(std::string(length, '\x01'), kTls12);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument)
        << length;
    EXPECT_THAT(out.status().message(), HasSubstr("ciphertext")) << length;
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST_F(RsaPreMasterTest, ReplicasLoadingTheSameKeyAgree) {
  Pkey first = PemRoundTrip(key_);
  Pkey second = PemRoundTrip(key_);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  absl::StatusOr<RsaPreMasterDecrypter> a =
      RsaPreMasterDecrypter::Create(first.get());
  absl::StatusOr<RsaPreMasterDecrypter> b =
      RsaPreMasterDecrypter::Create(second.get());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  int checked = 0;
  for (const BadCase& bad : BadCases()) {
    const std::string c = RawEncrypt(bad.em);
    const Bytes from_a = Decrypt(*a, c, bad.version);
    EXPECT_EQ(from_a, Decrypt(*b, c, bad.version)) << bad.name;
    EXPECT_EQ(from_a, Decrypt(*decrypter_, c, bad.version)) << bad.name;
    ++checked;
  }
  EXPECT_EQ(checked, 17);
}

TEST_F(RsaPreMasterTest, DifferentKeysGiveDifferentSyntheticValues) {
  absl::StatusOr<RsaPreMasterDecrypter> other =
      RsaPreMasterDecrypter::Create(other_key_);
  ASSERT_TRUE(other.ok()) << other.status();
  // A ciphertext below both moduli (both have their top bit set).
  std::string c(kModulusLength, '\x42');
  EXPECT_NE(Decrypt(*decrypter_, c), Decrypt(*other, c));
  EXPECT_EQ(Decrypt(*other, c), ExpectedSynthetic(other_key_, c));
}

TEST_F(RsaPreMasterTest, CopiesOutliveTheCallersReference) {
  Pkey own = PemRoundTrip(key_);
  ASSERT_NE(own, nullptr);
  absl::StatusOr<RsaPreMasterDecrypter> created =
      RsaPreMasterDecrypter::Create(own.get());
  ASSERT_TRUE(created.ok()) << created.status();
  own.reset();
  const RsaPreMasterDecrypter copy = *created;
  const Bytes pre_master = RandomPreMaster(kTls12);
  absl::StatusOr<std::string> c = test::Pkcs1Encrypt(key_, pre_master);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Decrypt(copy, *c), pre_master);
  EXPECT_EQ(Decrypt(*created, *c), pre_master);
}

TEST_F(RsaPreMasterTest, ConcurrentCallsAgree) {
  const Bytes pre_master = RandomPreMaster(kTls12);
  absl::StatusOr<std::string> good = test::Pkcs1Encrypt(key_, pre_master);
  ASSERT_TRUE(good.ok()) << good.status();
  const std::string bad = RawEncrypt(Encode({}));
  const Bytes synthetic = ExpectedSynthetic(key_, bad);
  constexpr int kThreads = 4;
  constexpr int kCalls = 10;
  std::vector<int> matches(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        absl::StatusOr<SecretBytes> a = decrypter_->Decrypt(*good, kTls12);
        absl::StatusOr<SecretBytes> b = decrypter_->Decrypt(bad, kTls12);
        if (a.ok() && ToBytes(*a) == pre_master && b.ok() &&
            ToBytes(*b) == synthetic) {
          ++matches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(matches, std::vector<int>(kThreads, kCalls));
}

// OperationsOf performs the private operations with an OpenSSL key, the
// way another backend would, optionally corrupting one of them.
class OperationsOf final : public RsaPrivateOperations {
 public:
  enum class Fault { kNone, kSeedSignature, kShortDecryption };
  OperationsOf(EVP_PKEY* key, Fault fault) : key_(key), fault_(fault) {}

  absl::StatusOr<SecretBytes> RawDecrypt(
      absl::Span<const uint8_t> c) const override {
    absl::StatusOr<Bytes> em = test::RawRsaPrivate(
        key_, absl::string_view(reinterpret_cast<const char*>(c.data()),
                                c.size()));
    if (!em.ok()) return em.status();
    if (fault_ == Fault::kShortDecryption) em->pop_back();
    return SecretBytes(em->begin(), em->end());
  }

  absl::StatusOr<std::string> SignDigestInfo(
      absl::string_view digest_info) const override {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr), EVP_PKEY_CTX_free);
    std::string signature(EVP_PKEY_get_size(key_), '\0');
    size_t length = signature.size();
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), reinterpret_cast<uint8_t*>(&signature[0]),
                      &length,
                      reinterpret_cast<const uint8_t*>(digest_info.data()),
                      digest_info.size()) != 1) {
      return absl::InternalError("EVP_PKEY_sign");
    }
    if (fault_ == Fault::kSeedSignature) signature[10] ^= 1;
    return signature;
  }

 private:
  EVP_PKEY* const key_;
  const Fault fault_;
};

TEST_F(RsaPreMasterTest, ExternalOperationsGiveTheSameAnswers) {
  absl::StatusOr<RsaPreMasterDecrypter> external =
      RsaPreMasterDecrypter::Create(
          std::make_shared<OperationsOf>(key_, OperationsOf::Fault::kNone),
          key_);
  ASSERT_TRUE(external.ok()) << external.status();
  const Bytes pre_master = RandomPreMaster(kTls12);
  absl::StatusOr<std::string> good = test::Pkcs1Encrypt(key_, pre_master);
  ASSERT_TRUE(good.ok()) << good.status();
  const std::string bad = RawEncrypt(Encode({}));
  const std::string too_big(kModulusLength, '\xff');
  EXPECT_EQ(Decrypt(*external, *good), pre_master);
  EXPECT_EQ(Decrypt(*external, bad), ExpectedSynthetic(key_, bad));
  EXPECT_EQ(Decrypt(*external, bad), Decrypt(*decrypter_, bad));
  EXPECT_EQ(Decrypt(*external, too_big), ExpectedSynthetic(key_, too_big));
}

TEST_F(RsaPreMasterTest, FaultySeedSignatureIsRefused) {
  absl::StatusOr<RsaPreMasterDecrypter> external =
      RsaPreMasterDecrypter::Create(
          std::make_shared<OperationsOf>(key_,
                                         OperationsOf::Fault::kSeedSignature),
          key_);
  EXPECT_EQ(external.status().code(), absl::StatusCode::kFailedPrecondition)
      << external.status();
  // The right signature, but checked against another key.
  absl::StatusOr<RsaPreMasterDecrypter> mismatched =
      RsaPreMasterDecrypter::Create(
          std::make_shared<OperationsOf>(key_, OperationsOf::Fault::kNone),
          other_key_);
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kFailedPrecondition)
      << mismatched.status();
}

TEST_F(RsaPreMasterTest, RawResultOfTheWrongLengthIsInternal) {
  absl::StatusOr<RsaPreMasterDecrypter> external =
      RsaPreMasterDecrypter::Create(
          std::make_shared<OperationsOf>(
              key_, OperationsOf::Fault::kShortDecryption),
          key_);
  ASSERT_TRUE(external.ok()) << external.status();
  absl::StatusOr<SecretBytes> out =
      external->Decrypt(RawEncrypt(Encode({})), kTls12);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal) << out.status();
}

TEST(RsaPreMasterCreateTest, NonRsaKeysAreFailedPrecondition) {
  std::vector<std::pair<std::string, Pkey>> keys;
  keys.emplace_back("P-256", Pkey(EVP_EC_gen("P-256"), EVP_PKEY_free));
  keys.emplace_back(
      "Ed25519",
      Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free));
  keys.emplace_back("RSA-PSS", GenerateRsaPss());
  for (const auto& [name, key] : keys) {
    ASSERT_NE(key, nullptr) << name;
    absl::StatusOr<RsaPreMasterDecrypter> decrypter =
        RsaPreMasterDecrypter::Create(key.get());
    EXPECT_EQ(decrypter.status().code(), absl::StatusCode::kFailedPrecondition)
        << name << ": " << decrypter.status();
  }
}

TEST(RsaPreMasterCreateTest, PublicKeyIsFailedPrecondition) {
  Pkey key = GenerateRsa(2048);
  ASSERT_NE(key, nullptr);
  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(key.get(), &der);
  ASSERT_GT(der_length, 0);
  const unsigned char* p = der;
  Pkey public_key(d2i_PUBKEY(nullptr, &p, der_length), EVP_PKEY_free);
  OPENSSL_free(der);
  ASSERT_NE(public_key, nullptr);
  absl::StatusOr<RsaPreMasterDecrypter> decrypter =
      RsaPreMasterDecrypter::Create(public_key.get());
  EXPECT_EQ(decrypter.status().code(), absl::StatusCode::kFailedPrecondition)
      << decrypter.status();
}

TEST(RsaPreMasterCreateTest, NullIsInvalidArgument) {
  EXPECT_EQ(RsaPreMasterDecrypter::Create(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace keyward::keystore::internal
