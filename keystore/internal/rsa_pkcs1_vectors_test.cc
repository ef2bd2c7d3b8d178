// Conformance of the constant-time PKCS #1 v1.5 decoder and of the TLS
// pre-master decryption with Project Wycheproof's RSAES-PKCS1-v1_5
// decryption vectors, read from the external vectors folder at test time.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "keystore/internal/pkcs1_type2.h"
#include "keystore/internal/rsa_pre_master.h"
#include "keystore/internal/rsa_pre_master_testing.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::keystore::internal {
namespace {

using ::keyward::handshake::SecretBytes;
using ::keyward::vectors::BytesToHex;
using ::keyward::vectors::HexField;
using ::keyward::vectors::VectorTally;
using ::nlohmann::json;
using Bytes = std::vector<uint8_t>;
using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string ToString(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

absl::StatusOr<Pkey> KeyFromPkcs8(const json& group) {
  absl::StatusOr<Bytes> der = HexField(group, "privateKeyPkcs8");
  if (!der.ok()) return der.status();
  const unsigned char* p = der->data();
  const long length = static_cast<long>(der->size());  // NOLINT: d2i's type
  Pkey key(d2i_AutoPrivateKey(nullptr, &p, length), EVP_PKEY_free);
  if (key == nullptr) return absl::DataLossError("privateKeyPkcs8: bad DER");
  return key;
}

absl::StatusOr<Pkey> KeyFromPem(const json& group) {
  const std::string pem = group.at("privateKeyPem").get<std::string>();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
           EVP_PKEY_free);
  if (key == nullptr) return absl::DataLossError("privateKeyPem: bad PEM");
  return key;
}

// CheckDecoding raw-decrypts the case and decodes it with DecodePkcs1Type2:
// a valid case must give exactly `msg`, an invalid one must be rejected,
// by the raw RSA operation (a ciphertext of the wrong length or not below
// the modulus) or by the decoder.
::testing::AssertionResult CheckDecoding(EVP_PKEY* key, const Bytes& ct,
                                         const Bytes& msg, bool valid) {
  absl::StatusOr<Bytes> em = test::RawRsaPrivate(key, ToString(ct));
  if (!em.ok()) {
    if (!valid) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "raw decryption: " << em.status();
  }
  // The test may branch on the secret result; the library may not.
  const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(*em);
  if (!decoding.good) {
    if (!valid) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "valid case rejected";
  }
  const Bytes message(
      em->begin() + static_cast<std::ptrdiff_t>(decoding.message_offset),
      em->end());
  if (!valid) {
    return ::testing::AssertionFailure()
           << "invalid case accepted, message " << BytesToHex(message);
  }
  if (message != msg) {
    return ::testing::AssertionFailure()
           << "message " << BytesToHex(message) << ", want " << BytesToHex(msg);
  }
  return ::testing::AssertionSuccess();
}

// CheckPreMaster runs the TLS path: 48 bytes for a ciphertext of the
// modulus length, the message only if it is a 48-byte pre-master starting
// with the version, else the documented synthetic value. The version is the
// message's first two bytes where it has them, so a decoder that skipped
// the length check would answer the message's bytes.
::testing::AssertionResult CheckPreMaster(
    const RsaPreMasterDecrypter& decrypter, EVP_PKEY* key, const Bytes& ct,
    const Bytes& msg, bool valid) {
  const uint16_t version =
      msg.size() >= 2 ? static_cast<uint16_t>(msg[0] << 8 | msg[1]) : 0x0303;
  absl::StatusOr<SecretBytes> out = decrypter.Decrypt(ToString(ct), version);
  if (ct.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) {
    if (absl::IsInvalidArgument(out.status())) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "ciphertext of " << ct.size() << " bytes: " << out.status();
  }
  if (!out.ok()) return ::testing::AssertionFailure() << out.status();
  Bytes expected = msg;
  if (!valid || msg.size() != kPreMasterLength) {
    absl::StatusOr<Bytes> synthetic =
        test::ExpectedSyntheticPreMaster(key, ToString(ct));
    if (!synthetic.ok()) {
      return ::testing::AssertionFailure() << synthetic.status();
    }
    expected = *synthetic;
  }
  if (Bytes(out->begin(), out->end()) != expected) {
    return ::testing::AssertionFailure() << "pre-master " << BytesToHex(*out)
                                         << ", want " << BytesToHex(expected);
  }
  return ::testing::AssertionSuccess();
}

// The parameter is the modulus size in bits.
class RsaPkcs1VectorsTest : public ::testing::TestWithParam<int> {};

TEST_P(RsaPkcs1VectorsTest, DecoderAndPreMasterAgreeWithEveryCase) {
  const std::string file = absl::StrCat("wycheproof/testvectors_v1/rsa_pkcs1_",
                                        GetParam(), "_test.json");
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(vectors, file);
  ASSERT_EQ(vectors.at("algorithm").get<std::string>(), "RSAES-PKCS1-v1_5");
  VectorTally decoder_tally(file + " (decoder)");
  VectorTally pre_master_tally(file + " (TLS pre-master)");
  int cases = 0;
  for (const json& group : vectors.at("testGroups")) {
    absl::StatusOr<Pkey> key = KeyFromPkcs8(group);
    ASSERT_TRUE(key.ok()) << key.status();
    absl::StatusOr<Pkey> pem_key = KeyFromPem(group);
    ASSERT_TRUE(pem_key.ok()) << pem_key.status();
    absl::StatusOr<RsaPreMasterDecrypter> decrypter =
        RsaPreMasterDecrypter::Create(key->get());
    ASSERT_TRUE(decrypter.ok()) << decrypter.status();
    // The same key from its PEM form: a replica must answer identically.
    absl::StatusOr<RsaPreMasterDecrypter> pem_decrypter =
        RsaPreMasterDecrypter::Create(pem_key->get());
    ASSERT_TRUE(pem_decrypter.ok()) << pem_decrypter.status();

    for (const json& test_case : group.at("tests")) {
      ++cases;
      const std::string id =
          absl::StrCat("tcId ", test_case.at("tcId").get<int>());
      const std::string result = test_case.at("result").get<std::string>();
      ASSERT_TRUE(result == "valid" || result == "invalid")
          << id << ": result " << result;
      const bool valid = result == "valid";
      absl::StatusOr<Bytes> ct = HexField(test_case, "ct");
      absl::StatusOr<Bytes> msg = HexField(test_case, "msg");
      ASSERT_TRUE(ct.ok() && msg.ok()) << id;
      decoder_tally.Record(id, CheckDecoding(key->get(), *ct, *msg, valid));
      ::testing::AssertionResult pre_master =
          CheckPreMaster(*decrypter, key->get(), *ct, *msg, valid);
      if (pre_master) {
        pre_master =
            CheckPreMaster(*pem_decrypter, key->get(), *ct, *msg, valid);
      }
      pre_master_tally.Record(id, pre_master);
    }
  }
  decoder_tally.Finish();
  pre_master_tally.Finish();
  const int declared = vectors.at("numberOfTests").get<int>();
  EXPECT_EQ(cases, declared);
  EXPECT_EQ(decoder_tally.passed(), declared);
  EXPECT_EQ(pre_master_tally.passed(), declared);
}

INSTANTIATE_TEST_SUITE_P(Wycheproof, RsaPkcs1VectorsTest,
                         ::testing::Values(2048, 3072, 4096),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return absl::StrCat("Rsa", info.param);
                         });

}  // namespace
}  // namespace keyward::keystore::internal
