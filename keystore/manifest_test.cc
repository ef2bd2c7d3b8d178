#include "keystore/manifest.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"

namespace keyward::keystore {
namespace {

using ::keyward::handshake::test::IsOk;
using ::keyward::handshake::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// Two versions of "www" and one of "api".
constexpr char kRotation[] = R"pb(
  key {
    name: "www"
    version: 2
    private_key_file: "keys/www-2.key"
    certificate_chain_file: "keys/www-2.crt"
    allow {
      identity: "spiffe://example.org/edge/*"
      operations: [ OPERATION_SIGN_STRUCTURED ]
    }
  }
  key {
    name: "www"
    version: 1
    usable_until: "2030-01-02T03:04:05Z"
    private_key_file: "keys/www-1.key"
    certificate_chain_file: "keys/www-1.crt"
    passphrase_env: "WWW_PASSPHRASE"
  }
  key {
    name: "api"
    private_key_file: "keys/api.key"
    certificate_chain_file: "keys/api.crt"
    passphrase_file: "secrets/api.pass"
    allow_legacy_md5_sha1: true
  }
)pb";

TEST(ManifestTest, ParsesRotation) {
  absl::StatusOr<std::vector<KeySpec>> specs =
      ParseManifest(kRotation, "m.textproto");
  ASSERT_THAT(specs, IsOk());
  ASSERT_THAT(*specs, SizeIs(3));
  EXPECT_EQ((*specs)[0].version, 2u);
  EXPECT_TRUE((*specs)[0].current);
  EXPECT_EQ((*specs)[0].usable_until, absl::InfiniteFuture());
  EXPECT_EQ((*specs)[0].location, "m.textproto:2:3");
  EXPECT_FALSE((*specs)[1].current);
  EXPECT_EQ((*specs)[1].usable_until,
            absl::FromCivil(absl::CivilSecond(2030, 1, 2, 3, 4, 5),
                            absl::UTCTimeZone()));
  EXPECT_EQ((*specs)[1].config.passphrase_env(), "WWW_PASSPHRASE");
  // Version 0 (unset) reads as 1.
  EXPECT_EQ((*specs)[2].version, 1u);
  EXPECT_TRUE((*specs)[2].current);
  EXPECT_TRUE((*specs)[2].config.allow_legacy_md5_sha1());
}

TEST(ManifestTest, SyntaxErrorNamesFileLineAndColumn) {
  EXPECT_THAT(ParseManifest("key {\n  name: \"a\"\n  colour: 1\n}\n", "m.txt"),
              StatusIs(kInvalid, HasSubstr("m.txt:3:9: Message type "
                                           "\"keyward.keystore.KeyConfig\" has "
                                           "no field named \"colour\"")));
  EXPECT_THAT(ParseManifest("key {\n  name: \"a\"\n", "m.txt"),
              StatusIs(kInvalid, HasSubstr("m.txt:")));
}

TEST(ManifestTest, RefusesAnEmptyManifest) {
  EXPECT_THAT(ParseManifest("# nothing\n", "m.txt"),
              StatusIs(kInvalid, HasSubstr("no key")));
}

constexpr char kToken[] = R"pb(
  pkcs11_token {
    token_label: "hsm"
    module_path: "/usr/lib/softhsm/libsofthsm2.so"
    pin_env: "HSM_PIN"
  }
)pb";

TEST(ManifestTest, ParsesKeysOnTokens) {
  const std::string manifest = absl::StrCat(kToken, R"pb(
    pkcs11_token {
      token_label: "other"
      module_path: "/opt/vendor/lib/libcryptoki.so"
      pin_file: "secrets/other.pin"
      max_sessions: 16
    }
    key {
      name: "both-on-token"
      pkcs11_uri: "pkcs11:token=hsm;object=www"
      certificate_pkcs11_uri: "pkcs11:token=other;id=%01"
      certificate_chain_file: "keys/intermediates.crt"
    }
    key {
      name: "key-on-token"
      pkcs11_uri: "pkcs11:token=hsm;id=%02%03;type=private"
      certificate_chain_file: "keys/b.crt"
    }
    key {
      name: "file"
      private_key_file: "keys/c.key"
      certificate_chain_file: "keys/c.crt"
    }
  )pb");
  absl::StatusOr<std::vector<KeySpec>> specs =
      ParseManifest(manifest, "m.textproto");
  ASSERT_THAT(specs, IsOk());
  ASSERT_THAT(*specs, SizeIs(3));
  ASSERT_TRUE((*specs)[0].key_token.has_value());
  EXPECT_EQ((*specs)[0].key_token->token_label(), "hsm");
  EXPECT_EQ((*specs)[0].key_token->pin_env(), "HSM_PIN");
  ASSERT_TRUE((*specs)[0].certificate_token.has_value());
  EXPECT_EQ((*specs)[0].certificate_token->token_label(), "other");
  EXPECT_EQ((*specs)[0].certificate_token->max_sessions(), 16u);
  EXPECT_TRUE((*specs)[1].key_token.has_value());
  EXPECT_FALSE((*specs)[1].certificate_token.has_value());
  EXPECT_FALSE((*specs)[2].key_token.has_value());
  EXPECT_FALSE((*specs)[2].certificate_token.has_value());
}

// Entry builds one manifest entry around `fields`.
std::string Entry(absl::string_view fields) {
  return absl::StrCat(
      "key {\n  private_key_file: \"k.key\"\n  certificate_chain_file: "
      "\"k.crt\"\n",
      fields, "\n}\n");
}

// TokenEntry builds a key on token "hsm" (declared by kToken) with `fields`.
std::string TokenEntry(absl::string_view fields) {
  return absl::StrCat(
      kToken,
      "key {\n  name: \"t\"\n  certificate_chain_file: \"k.crt\"\n", fields,
      "\n}\n");
}

// Token builds a manifest with one pkcs11_token of `fields` and a key on it.
std::string Token(absl::string_view fields) {
  return absl::StrCat("pkcs11_token {\n", fields,
                      "\n}\nkey { name: \"t\" pkcs11_uri: "
                      "\"pkcs11:token=hsm;object=k\" certificate_chain_file: "
                      "\"c\" }\n");
}

constexpr char kModule[] = "module_path: \"/lib/m.so\" ";

struct BadCase {
  const char* label;
  std::string manifest;
  const char* message;  // expected substring, after the location
};

class BadManifestTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadManifestTest, IsRejectedWithLocationAndReason) {
  const BadCase& param = GetParam();
  EXPECT_THAT(ParseManifest(param.manifest, "m.txt"),
              StatusIs(kInvalid, HasSubstr(param.message)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadManifestTest,
    ::testing::Values(
        BadCase{"UppercaseName", Entry("name: \"WWW\""),
                "m.txt:4:1: name \"WWW\" must match"},
        BadCase{"EmptyName", Entry(""), "name \"\" must match"},
        BadCase{"LongName",
                Entry(absl::StrCat("name: \"", std::string(65, 'a'), "\"")),
                "must match [a-z0-9._-]{1,64}"},
        BadCase{"SlashInName", Entry("name: \"a/b\""), "must match"},
        BadCase{"DuplicateVersion",
                Entry("name: \"a\" version: 1") +
                    Entry("name: \"a\" usable_until: \"2030-01-01T00:00:00Z\""),
                "m.txt:6:1: key \"a\" version 1 is already defined at "
                "m.txt:1:1"},
        BadCase{"MissingUsableUntil",
                Entry("name: \"a\" version: 2") + Entry("name: \"a\""),
                "usable_until is required: version 1 of \"a\" is older than "
                "version 2"},
        BadCase{"UsableUntilOnCurrent",
                Entry("name: \"a\" usable_until: \"2030-01-01T00:00:00Z\""),
                "m.txt:4:11: usable_until is only for older versions"},
        BadCase{"BadUsableUntil",
                Entry("name: \"a\" version: 2") +
                    Entry("name: \"a\" usable_until: \"next tuesday\""),
                "usable_until \"next tuesday\" is not an RFC 3339 time"},
        BadCase{"MissingKeyFile",
                "key { name: \"a\" certificate_chain_file: \"c\" }",
                "private_key_file is required"},
        BadCase{"MissingChainFile",
                "key { name: \"a\" private_key_file: \"k\" }",
                "certificate_chain_file is required"},
        BadCase{"AbsoluteKeyFile",
                "key { name: \"a\" private_key_file: \"/etc/k\" "
                "certificate_chain_file: \"c\" }",
                "must be relative to the keystore directory"},
        BadCase{"BadEnvName", Entry("name: \"a\" passphrase_env: \"1X\""),
                "passphrase_env \"1X\" is not an environment variable name"},
        BadCase{"RuleWithoutIdentity",
                Entry("name: \"a\" allow { operations: OPERATION_SIGN_RAW }"),
                "m.txt:4:11: allow rule without an identity"},
        BadCase{"RuleWithoutOperations",
                Entry("name: \"a\" allow { identity: \"x\" }"),
                "allow rule without operations"},
        BadCase{"StarInTheMiddle",
                Entry("name: \"a\" allow { identity: \"spiffe://*/edge\" "
                      "operations: OPERATION_SIGN_RAW }"),
                "identity \"spiffe://*/edge\" must be non-empty, with \"*\" "
                "only as its last character"},
        BadCase{"TwoStars",
                Entry("name: \"a\" allow { identity: \"a**\" "
                      "operations: OPERATION_SIGN_RAW }"),
                "identity \"a**\""},
        BadCase{"UnspecifiedOperation",
                Entry("name: \"a\" allow { identity: \"x\" "
                      "operations: OPERATION_UNSPECIFIED }"),
                "m.txt:4:33: operation 0 is unspecified or unknown"},
        BadCase{"UnknownOperationNumber",
                Entry("name: \"a\" allow { identity: \"x\" operations: 9 }"),
                "operation 9 is unspecified or unknown"},
        BadCase{"FileAndUri",
                Entry("name: \"a\" pkcs11_uri: \"pkcs11:token=hsm;object=k\""),
                "m.txt:4:11: give either private_key_file or pkcs11_uri"},
        BadCase{"UriThatDoesNotParse",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=%zz\""),
                "PKCS #11 URI \"pkcs11:token=hsm;object=%zz\""},
        BadCase{"UriWithoutToken", TokenEntry("pkcs11_uri: \"pkcs11:object=k\""),
                "names no token"},
        BadCase{"UriWithoutObject", TokenEntry("pkcs11_uri: \"pkcs11:token=hsm\""),
                "names no object"},
        BadCase{"UriWithPin",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=k;"
                           "pin-value=1234\""),
                "must not carry a PIN"},
        BadCase{"CertificateUriForAKey",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=k;type=cert\""),
                "type=cert where type=private is needed"},
        BadCase{"PrivateUriForACertificate",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=k\" "
                           "certificate_pkcs11_uri: "
                           "\"pkcs11:token=hsm;object=k;type=private\""),
                "type=private where type=cert is needed"},
        BadCase{"UndeclaredToken",
                TokenEntry("pkcs11_uri: \"pkcs11:token=elsewhere;object=k\""),
                "pkcs11_uri names token \"elsewhere\", which has no "
                "pkcs11_token entry"},
        BadCase{"UndeclaredCertificateToken",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=k\" "
                           "certificate_pkcs11_uri: "
                           "\"pkcs11:token=gone;object=k\""),
                "certificate_pkcs11_uri names token \"gone\""},
        BadCase{"PassphraseForATokenKey",
                TokenEntry("pkcs11_uri: \"pkcs11:token=hsm;object=k\" "
                           "passphrase_env: \"X\""),
                "a key on a PKCS #11 token has no passphrase"},
        BadCase{"NoChainAtAll",
                absl::StrCat(kToken, "key { name: \"t\" pkcs11_uri: "
                                     "\"pkcs11:token=hsm;object=k\" }"),
                "certificate_chain_file is required"},
        BadCase{"TokenWithoutLabel", Token(absl::StrCat(kModule,
                                                        "pin_env: \"P\"")),
                "token_label must have 1 to 32 bytes"},
        BadCase{"TokenLabelTooLong",
                Token(absl::StrCat("token_label: \"", std::string(33, 'l'),
                                   "\" ", kModule, "pin_env: \"P\"")),
                "token_label must have 1 to 32 bytes"},
        BadCase{"RelativeModule",
                Token("token_label: \"hsm\" module_path: \"lib/m.so\" "
                      "pin_env: \"P\""),
                "module_path \"lib/m.so\" must be an absolute path"},
        BadCase{"TokenWithoutPin",
                Token(absl::StrCat("token_label: \"hsm\" ", kModule)),
                "token \"hsm\" needs pin_file or pin_env"},
        BadCase{"AbsolutePinFile",
                Token(absl::StrCat("token_label: \"hsm\" ", kModule,
                                   "pin_file: \"/etc/pin\"")),
                "pin_file \"/etc/pin\" must be relative"},
        BadCase{"BadPinEnv",
                Token(absl::StrCat("token_label: \"hsm\" ", kModule,
                                   "pin_env: \"A-B\"")),
                "pin_env \"A-B\" is not an environment variable name"},
        BadCase{"TooManySessions",
                Token(absl::StrCat("token_label: \"hsm\" ", kModule,
                                   "pin_env: \"P\" max_sessions: 5000")),
                "max_sessions 5000 is above 1024"},
        BadCase{"TokenDeclaredTwice",
                absl::StrCat(kToken, Token(absl::StrCat(
                                         "token_label: \"hsm\" ", kModule,
                                         "pin_env: \"P\""))),
                "token \"hsm\" is declared twice"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
      return info.param.label;
    });

}  // namespace
}  // namespace keyward::keystore
