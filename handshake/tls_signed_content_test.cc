#include "handshake/tls_signed_content.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/rfc8448_trace.h"
#include "handshake/testing/status_matchers.h"
#include "tests/vectors/hex.h"
#include "tests/vectors/vector_files.h"
#include "tests/vectors/vector_tally.h"

namespace keyward::handshake {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

std::string Bytes(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::string HexBytes(absl::string_view hex) {
  absl::StatusOr<std::vector<uint8_t>> bytes = vectors::HexToBytes(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? Bytes(*bytes) : "";
}

// The fixed prefix written out by hand from RFC 8446 §4.4.3: 64 spaces,
// "TLS 1.3, server CertificateVerify", 0x00.
std::string CertificateVerifyPrefix() {
  return std::string(64, ' ') + HexBytes(
                                    "544c5320312e332c2073657276657220"
                                    "436572746966696361746556657269667900");
}

TEST(Tls13CertificateVerifyInputTest, PrefixesTheTranscriptHash) {
  for (size_t length : {32, 48}) {
    const std::string hash(length, '\xab');
    absl::StatusOr<std::string> content =
        BuildTls13ServerCertificateVerifyInput(hash);
    ASSERT_THAT(content, IsOk());
    EXPECT_EQ(*content, CertificateVerifyPrefix() + hash);
    EXPECT_EQ(content->size(), 64 + 33 + 1 + length);
  }
}

TEST(Tls13CertificateVerifyInputTest, RejectsOtherHashLengths) {
  for (size_t length : {0, 1, 20, 31, 33, 47, 49, 64}) {
    EXPECT_THAT(
        BuildTls13ServerCertificateVerifyInput(std::string(length, 'h')),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr("transcript_hash")))
        << length;
  }
}

// ServerParams returns named_curve, `curve`, and a point of `length` bytes
// starting with `first`.
std::string ServerParams(uint16_t curve, size_t length, char first = 0x04) {
  std::string out = {3, static_cast<char>(curve >> 8),
                     static_cast<char>(curve & 0xff),
                     static_cast<char>(length)};
  if (length > 0) out += first + std::string(length - 1, '\x5a');
  return out;
}

TEST(ServerEcdhParamsTest, AcceptsEveryCurveWithItsPointLength) {
  const struct {
    uint16_t curve;
    size_t length;
  } kValid[] = {{23, 65}, {24, 97}, {25, 133}, {29, 32}, {30, 56}};
  for (const auto& valid : kValid) {
    EXPECT_THAT(CheckServerEcdhParams(ServerParams(valid.curve, valid.length)),
                IsOk())
        << valid.curve;
  }
  // X25519 and X448 public values are raw strings; any first byte goes.
  EXPECT_THAT(CheckServerEcdhParams(ServerParams(29, 32, 0x00)), IsOk());
}

struct BadParams {
  const char* name;
  std::string params;
  const char* field;
};

class ServerEcdhParamsRejectTest : public ::testing::TestWithParam<BadParams> {
};

TEST_P(ServerEcdhParamsRejectTest, NamesTheField) {
  EXPECT_THAT(CheckServerEcdhParams(GetParam().params),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(GetParam().field)));
  // The builder applies the same check.
  EXPECT_THAT(
      BuildTls12ServerKeyExchangeInput(std::string(32, 'c'),
                                       std::string(32, 's'), GetParam().params),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(GetParam().field)));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ServerEcdhParamsRejectTest,
    ::testing::Values(
        BadParams{"Empty", "", "server_params:"},
        BadParams{"Truncated", std::string("\x03\x00\x17", 3),
                  "server_params:"},
        BadParams{"ExplicitPrime", "\x01" + ServerParams(23, 65).substr(1),
                  "server_params.curve_type"},
        BadParams{"ExplicitChar2", "\x02" + ServerParams(23, 65).substr(1),
                  "server_params.curve_type"},
        BadParams{"CurveTypeZero",
                  std::string(1, '\0') + ServerParams(23, 65).substr(1),
                  "server_params.curve_type"},
        BadParams{"Secp224r1", ServerParams(21, 57), "named_curve"},
        BadParams{"Brainpool", ServerParams(26, 65), "named_curve"},
        BadParams{"Ffdhe2048", ServerParams(256, 65), "named_curve"},
        BadParams{"HighByteSet", ServerParams(0x0117, 65), "named_curve"},
        BadParams{"P256Compressed33", ServerParams(23, 33, 0x02),
                  "server_params.public"},
        BadParams{"P256Compressed65", ServerParams(23, 65, 0x02),
                  "server_params.public"},
        BadParams{"P256Hybrid", ServerParams(23, 65, 0x06),
                  "server_params.public"},
        BadParams{"P256ShortPoint", ServerParams(23, 64),
                  "server_params.public"},
        BadParams{"P384WithP256Point", ServerParams(24, 65),
                  "server_params.public"},
        BadParams{"P521ShortPoint", ServerParams(25, 132),
                  "server_params.public"},
        BadParams{"X25519LongPoint", ServerParams(29, 33),
                  "server_params.public"},
        BadParams{"X448WithX25519Point", ServerParams(30, 32),
                  "server_params.public"},
        BadParams{"ZeroLengthPoint", ServerParams(29, 0),
                  "server_params.public"},
        BadParams{"TrailingByte", ServerParams(23, 65) + "x", "server_params:"},
        BadParams{"MissingPointByte", ServerParams(23, 65).substr(0, 68),
                  "server_params:"},
        BadParams{"SignatureAppended",
                  ServerParams(29, 32) + std::string("\x08\x04\x00\x00", 4),
                  "server_params:"}),
    [](const ::testing::TestParamInfo<BadParams>& info) {
      return std::string(info.param.name);
    });

TEST(Tls12ServerKeyExchangeInputTest, ConcatenatesRandomsAndParams) {
  const std::string client(32, 'c'), server(32, 's');
  const std::string params = ServerParams(24, 97);
  absl::StatusOr<std::string> content =
      BuildTls12ServerKeyExchangeInput(client, server, params);
  ASSERT_THAT(content, IsOk());
  EXPECT_EQ(*content, client + server + params);
}

TEST(Tls12ServerKeyExchangeInputTest, RejectsRandomsOfTheWrongLength) {
  const std::string params = ServerParams(29, 32);
  for (size_t length : {0, 31, 33, 64}) {
    EXPECT_THAT(BuildTls12ServerKeyExchangeInput(std::string(length, 'c'),
                                                 std::string(32, 's'), params),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("client_random")));
    EXPECT_THAT(BuildTls12ServerKeyExchangeInput(
                    std::string(32, 'c'), std::string(length, 's'), params),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("server_random")));
  }
}

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// TraceRsaKey builds the RFC 8448 §2 server key from the trace's hex
// components: the whole private key, or (`public_only`) just n and e.
PkeyPtr TraceRsaKey(const nlohmann::json& key, bool public_only) {
  PkeyPtr out(nullptr, EVP_PKEY_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(
      OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  std::vector<BnPtr> numbers;
  const std::pair<const char*, const char*> kComponents[] = {
      {"n", OSSL_PKEY_PARAM_RSA_N},
      {"e", OSSL_PKEY_PARAM_RSA_E},
      {"d", OSSL_PKEY_PARAM_RSA_D},
      {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
      {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
      {"qinv", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
  };
  for (const auto& [field, param] : kComponents) {
    if (public_only && numbers.size() == 2) break;
    absl::StatusOr<std::vector<uint8_t>> bytes = vectors::HexField(key, field);
    if (!bytes.ok()) {
      ADD_FAILURE() << bytes.status();
      return out;
    }
    numbers.emplace_back(BN_bin2bn(bytes->data(), bytes->size(), nullptr),
                         BN_free);
    if (numbers.back() == nullptr ||
        OSSL_PARAM_BLD_push_BN(builder.get(), param, numbers.back().get()) !=
            1) {
      ADD_FAILURE() << "cannot use " << field;
      return out;
    }
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(builder.get()), OSSL_PARAM_free);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr),
                 EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr ||
      EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey,
                        public_only ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) != 1) {
    ADD_FAILURE() << "EVP_PKEY_fromdata failed";
    return out;
  }
  out.reset(pkey);
  return out;
}

// SetPss configures rsa_pss_rsae_sha256 as TLS 1.3 uses it: MGF1 with the
// same hash, salt as long as the hash (RFC 8446 §4.2.3).
bool SetPss(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1;
}

bool PssVerify(EVP_PKEY* key, const std::string& content,
               const std::string& signature) {
  MdCtxPtr md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by `md`.
  return md != nullptr &&
         EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key) ==
             1 &&
         SetPss(pctx) &&
         EVP_DigestVerify(
             md.get(), reinterpret_cast<const uint8_t*>(signature.data()),
             signature.size(), reinterpret_cast<const uint8_t*>(content.data()),
             content.size()) == 1;
}

std::string PssSign(EVP_PKEY* key, const std::string& content) {
  MdCtxPtr md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by `md`.
  size_t length = 0;
  if (md == nullptr ||
      EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      !SetPss(pctx) ||
      EVP_DigestSign(md.get(), nullptr, &length,
                     reinterpret_cast<const uint8_t*>(content.data()),
                     content.size()) != 1) {
    return "";
  }
  std::string out(length, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<uint8_t*>(out.data()), &length,
                     reinterpret_cast<const uint8_t*>(content.data()),
                     content.size()) != 1) {
    return "";
  }
  out.resize(length);
  return out;
}

// RFC 8448 §3: the content built from the trace's transcript is the one the
// trace's server signed, and signatures over it verify under its key.
TEST(Tls13CertificateVerifyInputTest, Rfc8448Section3) {
  KEYWARD_READ_VECTOR_JSON_OR_SKIP(trace, test::kRfc8448Section3File);
  vectors::VectorTally tally(test::kRfc8448Section3File);
  absl::StatusOr<std::vector<uint8_t>> transcript_hash =
      test::Rfc8448TranscriptHash(trace, "Certificate");
  ASSERT_THAT(transcript_hash, IsOk());
  absl::StatusOr<std::string> content =
      BuildTls13ServerCertificateVerifyInput(Bytes(*transcript_hash));
  ASSERT_THAT(content, IsOk());
  const nlohmann::json& cv = trace.at("certificateVerify");
  tally.Record("certificateVerify/signedContent",
               vectors::MatchesHex(
                   "signedContent",
                   std::vector<uint8_t>(content->begin(), content->end()),
                   cv.at("signedContent").get<std::string>()));
  ASSERT_EQ(cv.at("signatureScheme"), "0804");  // rsa_pss_rsae_sha256

  PkeyPtr public_key = TraceRsaKey(trace.at("serverRsaPrivateKey"), true);
  PkeyPtr private_key = TraceRsaKey(trace.at("serverRsaPrivateKey"), false);
  ASSERT_NE(public_key, nullptr);
  ASSERT_NE(private_key, nullptr);
  const std::string trace_signature =
      HexBytes(cv.at("signature").get<std::string>());
  tally.Record("certificateVerify/signature verifies over the content",
               ::testing::AssertionResult(
                   PssVerify(public_key.get(), *content, trace_signature)));
  // The same signature over a content that differs in one byte must fail,
  // or the check above proves nothing.
  std::string altered = *content;
  altered[64] ^= 1;
  tally.Record("certificateVerify/signature rejects an altered content",
               ::testing::AssertionResult(
                   !PssVerify(public_key.get(), altered, trace_signature)));

  const std::string fresh = PssSign(private_key.get(), *content);
  ASSERT_FALSE(fresh.empty());
  tally.Record(
      "a fresh signature with the trace key verifies",
      ::testing::AssertionResult(PssVerify(public_key.get(), *content, fresh)));
  tally.Finish();
  EXPECT_EQ(tally.passed(), 4);
}

}  // namespace
}  // namespace keyward::handshake
