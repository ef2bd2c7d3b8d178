// The built `keyward` binary, run as a subprocess for every command against
// the real server (in this process, port 0, mutual TLS with the dev
// keystore): output bytes checked independently (OpenSSL verifies the
// signatures, the PRF is recomputed, chains are compared with the keystore's
// files), exit codes as keyward.cc documents them, and every error in one
// line on stderr.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/pem_chain.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

extern char** environ;

namespace keyward::cli {
namespace {

using testing::LowerHex;
using testing::ProcessResult;
using testing::RunProcess;

constexpr char kEcdsaHost[] = "ecdsa-p256.dev.keyward.test";
constexpr char kRsaHost[] = "rsa-2048.dev.keyward.test";
constexpr char kEd25519Host[] = "ed25519.dev.keyward.test";
constexpr char kTls12[] = "0x0303";

// A CLI call against a local server takes well under a second; this only
// turns a hang into a failure that names the command.
constexpr absl::Duration kProcessTimeout = absl::Seconds(60);

const char* const kCommands[] = {
    "keys",         "key",    "sign",   "decrypt-premaster",
    "key-exchange", "derive", "health", "reload"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  EXPECT_TRUE(out.good()) << path;
}

std::string Hex(absl::string_view bytes) { return LowerHex(bytes); }

// OneErrorLine: nothing on stdout, and on stderr exactly one line that
// starts with `prefix`.
::testing::AssertionResult OneErrorLine(const ProcessResult& result,
                                        const std::string& prefix) {
  if (!result.out.empty()) {
    return ::testing::AssertionFailure() << "stdout: " << result.out;
  }
  if (!absl::StartsWith(result.err, prefix) ||
      !absl::EndsWith(result.err, "\n") ||
      result.err.find('\n') != result.err.size() - 1) {
    return ::testing::AssertionFailure()
           << "stderr is not one line starting with \"" << prefix
           << "\": " << result.err;
  }
  return ::testing::AssertionSuccess();
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("cli");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = new testing::DevKeystore(*keystore);
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(testing::TestServerConfig(*keystore_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete keystore_;
    keystore_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(server_, nullptr); }

  // BaseEnvironment is this process's environment without KEYWARD_*.
  static std::vector<std::string> BaseEnvironment() {
    std::vector<std::string> out;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      if (!absl::StartsWith(*entry, "KEYWARD_")) out.push_back(*entry);
    }
    return out;
  }

  // RunWith runs the CLI with `args` and the environment `env`.
  static ProcessResult RunWith(const std::vector<std::string>& args,
                               const std::vector<std::string>& env) {
    std::vector<std::string> argv = {
        testing::RunfilePath("clients/cli/keyward")};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<ProcessResult> result =
        RunProcess(argv, env, "", kProcessTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : ProcessResult();
  }

  // Keyward runs the CLI with `args`, connected to the test server as edge
  // `edge` through the environment variables `scripts/run` prints.
  static ProcessResult Keyward(const std::vector<std::string>& args,
                               char edge = 'a') {
    std::vector<std::string> env = BaseEnvironment();
    env.push_back(absl::StrCat("KEYWARD_ENDPOINT=127.0.0.1:", server_->port()));
    env.push_back(absl::StrCat("KEYWARD_CA=", keystore_->ca_cert()));
    env.push_back(absl::StrCat("KEYWARD_CERT=", keystore_->client_cert(edge)));
    env.push_back(absl::StrCat("KEYWARD_KEY=", keystore_->client_key(edge)));
    return RunWith(args, env);
  }

  // ChainFile is the PEM chain (leaf, then CA) of the dev key `name`.
  static std::string ChainFile(const std::string& name) {
    return keystore_->dir + "/keys/" + name + ".crt";
  }
  static std::string Leaf(const std::string& name) {
    std::vector<std::string> chain = testing::ReadPemChainDer(ChainFile(name));
    return chain.empty() ? "" : chain[0];
  }
  // KeyId is the key id of the dev key `name`: the SHA-256 of its
  // certificate's SubjectPublicKeyInfo, in hex.
  static std::string KeyId(const std::string& name) {
    return Hex(testing::Sha256(testing::SpkiOfCertificate(Leaf(name))));
  }

  static testing::DevKeystore* keystore_;
  static testing::TestServer* server_;
};

testing::DevKeystore* CliTest::keystore_ = nullptr;
testing::TestServer* CliTest::server_ = nullptr;

TEST_F(CliTest, HelpForEveryCommandExitsZero) {
  for (const char* command : kCommands) {
    ProcessResult result = Keyward({command, "--help"});
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_TRUE(
        absl::StartsWith(result.out, absl::StrCat("keyward ", command, ": ")))
        << command << ": " << result.out;
    EXPECT_EQ(result.err, "") << command;
  }
  for (const char* help : {"--help", "-h", "help"}) {
    ProcessResult result = Keyward({help});
    EXPECT_EQ(result.exit_code, 0) << help;
    for (const char* command : kCommands) {
      EXPECT_TRUE(
          absl::StrContains(result.out, absl::StrCat("  ", command, " ")))
          << help << " does not list " << command << ": " << result.out;
    }
    EXPECT_EQ(result.err, "") << help;
  }
  // No command at all: the same list, but a usage error.
  ProcessResult bare = Keyward({});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bare.out, "Commands:")) << bare.out;
}

TEST_F(CliTest, KeysListsEveryKey) {
  ProcessResult result = Keyward({"keys"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 5 * 4)
      << result.out;
  for (const auto& [name, first_line] :
       std::vector<std::pair<std::string, std::string>>{
           {"rsa-2048", "rsa-2048 v1 current rsa (2048 bits)"},
           {"rsa-3072", "rsa-3072 v1 current rsa (3072 bits)"},
           {"ecdsa-p256", "ecdsa-p256 v1 current ecdsa_p256 (256 bits)"},
           {"ecdsa-p384", "ecdsa-p384 v1 current ecdsa_p384 (384 bits)"},
           {"ed25519", "ed25519 v1 current ed25519 (255 bits)"}}) {
    EXPECT_TRUE(absl::StrContains(
        result.out, absl::StrCat(KeyId(name), "  ", first_line, "\n")))
        << name << ": " << result.out;
  }

  ProcessResult one = Keyward({"keys", "--host=rsa-3072.dev.keyward.test"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out,
            absl::StrCat(KeyId("rsa-3072"),
                         "  rsa-3072 v1 current rsa (3072 bits)\n"
                         "  hosts: rsa-3072.dev.keyward.test\n"
                         "  operations: sign_structured, sign_raw, "
                         "rsa_key_exchange\n"
                         "  schemes: rsa_pkcs1_sha256, rsa_pkcs1_sha384, "
                         "rsa_pkcs1_sha512, rsa_pss_rsae_sha256, "
                         "rsa_pss_rsae_sha384, rsa_pss_rsae_sha512\n"));
}

TEST_F(CliTest, KeyPrintsItsChainAsPemOrDer) {
  // The description is what `keys` prints for the key; the PEM chain is
  // byte for byte the keystore's file (both are 64-column PEM).
  ProcessResult listed = Keyward({"keys", absl::StrCat("--host=", kEcdsaHost)});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string expected = listed.out + ReadFile(ChainFile("ecdsa-p256"));
  for (const std::string& selector :
       {absl::StrCat("--host=", kEcdsaHost),
        absl::StrCat("--key_id=", KeyId("ecdsa-p256")),
        absl::StrCat("--cert_sha256=",
                     Hex(testing::Sha256(Leaf("ecdsa-p256"))))}) {
    ProcessResult pem = Keyward({"key", selector});
    ASSERT_EQ(pem.exit_code, 0) << selector << ": " << pem.err;
    EXPECT_EQ(pem.out, expected) << selector;
    EXPECT_EQ(pem.err, "");
  }

  ProcessResult der =
      Keyward({"key", "--host=www.example.test", "--chain=der"});
  ASSERT_EQ(der.exit_code, 0) << der.err;
  EXPECT_EQ(der.out, Leaf("rsa-2048"));
}

TEST_F(CliTest, SignaturesVerifyWithOpenSsl) {
  // TLS 1.3 CertificateVerify, ECDSA, raw DER signature out.
  const std::string hash(32, '\x5a');
  ProcessResult tls13 =
      Keyward({"sign", absl::StrCat("--host=", kEcdsaHost),
               "--scheme=ecdsa_secp256r1_sha256",
               absl::StrCat("--transcript_hash=", Hex(hash)), "--format=raw"});
  ASSERT_EQ(tls13.exit_code, 0) << tls13.err;
  EXPECT_EQ(tls13.err, "");
  EXPECT_TRUE(testing::VerifyMessageSignature(
      v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256,
      testing::PublicKeyOfCertificate(Leaf("ecdsa-p256")).get(),
      std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
          std::string(1, '\0') + hash,
      tls13.out));

  // TLS 1.2 ServerKeyExchange, RSA PKCS#1, hex out (the randoms in base64).
  const std::string client_random(32, '\x01');
  const std::string server_random(32, '\x02');
  const std::string params =
      std::string("\x03\x00\x1d\x20", 4) + std::string(32, '\x42');
  ProcessResult tls12 = Keyward(
      {"sign", absl::StrCat("--host=", kRsaHost), "--scheme=rsa_pkcs1_sha256",
       absl::StrCat("--client_random=base64:",
                    absl::Base64Escape(client_random)),
       absl::StrCat("--server_random=", Hex(server_random)),
       absl::StrCat("--server_params=hex:", Hex(params))});
  ASSERT_EQ(tls12.exit_code, 0) << tls12.err;
  ASSERT_TRUE(absl::EndsWith(tls12.out, "\n")) << tls12.out;
  std::string signature =
      absl::HexStringToBytes(absl::StripSuffix(tls12.out, "\n"));
  EXPECT_EQ(Hex(signature) + "\n", tls12.out);
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_TRUE(testing::VerifyMessageSignature(
      v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256,
      testing::PublicKeyOfCertificate(Leaf("rsa-2048")).get(),
      client_random + server_random + params, signature));

  // A raw digest, RSA-PSS, base64 out.
  const std::string digest = testing::Digest(
      v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, "pre-hashed by the caller");
  ProcessResult pss =
      Keyward({"sign", absl::StrCat("--host=", kRsaHost),
               "--scheme=rsa_pss_rsae_sha256",
               absl::StrCat("--digest=", Hex(digest)), "--format=base64"});
  ASSERT_EQ(pss.exit_code, 0) << pss.err;
  std::string pss_signature;
  ASSERT_TRUE(
      absl::Base64Unescape(absl::StripSuffix(pss.out, "\n"), &pss_signature))
      << pss.out;
  EXPECT_TRUE(testing::VerifyDigestSignature(
      v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256,
      testing::PublicKeyOfCertificate(Leaf("rsa-2048")).get(), digest,
      pss_signature));

  // A raw message from a file, Ed25519.
  const std::string message_file =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/message.bin");
  WriteFile(message_file, std::string("a message\n\0with any bytes", 25));
  ProcessResult eddsa = Keyward(
      {"sign", absl::StrCat("--host=", kEd25519Host), "--scheme=ed25519",
       absl::StrCat("--message=@", message_file), "--format=raw"});
  ASSERT_EQ(eddsa.exit_code, 0) << eddsa.err;
  EXPECT_TRUE(testing::VerifyMessageSignature(
      v1::SIGNATURE_SCHEME_ED25519,
      testing::PublicKeyOfCertificate(Leaf("ed25519")).get(),
      ReadFile(message_file), eddsa.out));
}

TEST_F(CliTest, DecryptPreMasterReturnsThePreMaster) {
  testing::EvpPkeyPtr public_key =
      testing::PublicKeyOfCertificate(Leaf("rsa-2048"));
  ASSERT_NE(public_key, nullptr);
  const std::string pre_master = testing::PreMaster(0x0303, 'd');
  const std::string ciphertext =
      testing::EncryptPkcs1(public_key.get(), pre_master);

  ProcessResult hex =
      Keyward({"decrypt-premaster", absl::StrCat("--host=", kRsaHost),
               absl::StrCat("--ciphertext=", Hex(ciphertext)),
               absl::StrCat("--client_version=", kTls12)});
  ASSERT_EQ(hex.exit_code, 0) << hex.err;
  EXPECT_EQ(hex.out, Hex(pre_master) + "\n");
  EXPECT_EQ(hex.err, "");

  const std::string file = absl::StrCat(std::getenv("TEST_TMPDIR"), "/pms.enc");
  WriteFile(file, ciphertext);
  ProcessResult raw = Keyward(
      {"decrypt-premaster", absl::StrCat("--key_id=", KeyId("rsa-2048")),
       absl::StrCat("--ciphertext=@", file), "--format=raw"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(raw.out, pre_master);
}

TEST_F(CliTest, KeyExchangeDerivesTheMasterSecret) {
  testing::EvpPkeyPtr public_key =
      testing::PublicKeyOfCertificate(Leaf("rsa-2048"));
  ASSERT_NE(public_key, nullptr);
  const std::string pre_master = testing::PreMaster(0x0303, 'k');
  const std::string ciphertext =
      testing::EncryptPkcs1(public_key.get(), pre_master);
  const std::string client_random(32, 'c');
  const std::string server_random(32, 's');

  ProcessResult plain =
      Keyward({"key-exchange", absl::StrCat("--host=", kRsaHost),
               absl::StrCat("--ciphertext=", Hex(ciphertext)),
               absl::StrCat("--client_random=", Hex(client_random)),
               absl::StrCat("--server_random=", Hex(server_random)),
               "--key_block_length=40"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const std::string master =
      testing::OpenSslTlsPrf("SHA2-256", pre_master, "master secret",
                             client_random + server_random, 48);
  const std::string key_block = testing::OpenSslTlsPrf(
      "SHA2-256", master, "key expansion", server_random + client_random, 40);
  EXPECT_EQ(plain.out, absl::StrCat("master_secret: ", Hex(master),
                                    "\nkey_block: ", Hex(key_block), "\n"));
  EXPECT_EQ(plain.err, "");

  // Extended master secret with the SHA-384 PRF; no key block asked.
  const std::string session_hash(48, 'h');
  ProcessResult extended = Keyward(
      {"key-exchange", absl::StrCat("--host=", kRsaHost),
       absl::StrCat("--ciphertext=", Hex(ciphertext)),
       absl::StrCat("--client_random=", Hex(client_random)),
       absl::StrCat("--server_random=", Hex(server_random)), "--prf=sha384",
       absl::StrCat("--session_hash=", Hex(session_hash))});
  ASSERT_EQ(extended.exit_code, 0) << extended.err;
  EXPECT_EQ(extended.out,
            absl::StrCat("master_secret: ",
                         Hex(testing::OpenSslTlsPrf("SHA2-384", pre_master,
                                                    "extended master secret",
                                                    session_hash, 48)),
                         "\n"));
}

TEST_F(CliTest, DeriveRunsTheKeySchedules) {
  // TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: no MAC keys, 16-byte
  // keys, 4-byte implicit IVs (RFC 5288 §3), cut from the PRF's key block.
  const std::string master(48, 'm');
  const std::string client_random(32, 'c');
  const std::string server_random(32, 's');
  ProcessResult tls12 =
      Keyward({"derive", "--suite=0xC02F",
               absl::StrCat("--master_secret=", Hex(master)),
               absl::StrCat("--client_random=", Hex(client_random)),
               absl::StrCat("--server_random=", Hex(server_random))});
  ASSERT_EQ(tls12.exit_code, 0) << tls12.err;
  const std::string block = testing::OpenSslTlsPrf(
      "SHA2-256", master, "key expansion", server_random + client_random, 40);
  EXPECT_EQ(
      tls12.out,
      absl::StrCat("client_write_mac_key: \n"
                   "server_write_mac_key: \n"
                   "client_write_key: ",
                   Hex(block.substr(0, 16)),
                   "\nserver_write_key: ", Hex(block.substr(16, 16)),
                   "\nclient_write_iv: ", Hex(block.substr(32, 4)),
                   "\nserver_write_iv: ", Hex(block.substr(36, 4)), "\n"));

  // TLS 1.3: every secret, key and IV the service computes, as the
  // service's own API returns them.
  v1::DeriveSessionKeysRequest request;
  v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
  tls13->set_cipher_suite(0x1301);
  tls13->set_shared_secret(std::string(32, 'e'));
  tls13->set_server_hello_hash(std::string(32, '1'));
  tls13->set_server_finished_hash(std::string(32, '2'));
  grpc::ClientContext context;
  v1::DeriveSessionKeysResponse response;
  grpc::Status status =
      server_->KeyService('a')->DeriveSessionKeys(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string expected;
  for (const auto& [name, keys] :
       std::vector<std::pair<std::string, const v1::TrafficKeys*>>{
           {"client_handshake", &response.tls13().client_handshake()},
           {"server_handshake", &response.tls13().server_handshake()},
           {"client_application", &response.tls13().client_application()},
           {"server_application", &response.tls13().server_application()}}) {
    absl::StrAppend(&expected, name, ".secret: ", Hex(keys->secret()), "\n",
                    name, ".key: ", Hex(keys->key()), "\n", name,
                    ".iv: ", Hex(keys->iv()), "\n");
  }
  absl::StrAppend(&expected, "exporter_master_secret: ",
                  Hex(response.tls13().exporter_master_secret()), "\n");
  ProcessResult derived = Keyward(
      {"derive", "--suite=0x1301",
       absl::StrCat("--shared_secret=", Hex(tls13->shared_secret())),
       absl::StrCat("--server_hello_hash=", Hex(tls13->server_hello_hash())),
       absl::StrCat("--server_finished_hash=",
                    Hex(tls13->server_finished_hash()))});
  ASSERT_EQ(derived.exit_code, 0) << derived.err;
  EXPECT_EQ(derived.out, expected);
  EXPECT_EQ(response.tls13().client_handshake().key().size(), 16u);
}

TEST_F(CliTest, HealthAndReload) {
  ProcessResult health = Keyward({"health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_EQ(health.out, "SERVING\n");
  EXPECT_EQ(health.err, "");

  // Each reload loads the five keys again, one generation further.
  uint64_t generations[2] = {0, 0};
  for (uint64_t& generation : generations) {
    ProcessResult reload = Keyward({"reload"});
    ASSERT_EQ(reload.exit_code, 0) << reload.err;
    absl::string_view out = reload.out;
    ASSERT_TRUE(absl::ConsumePrefix(&out, "reloaded: 5 keys, generation ") &&
                absl::ConsumeSuffix(&out, "\n") &&
                absl::SimpleAtoi(out, &generation))
        << reload.out;
  }
  EXPECT_EQ(generations[1], generations[0] + 1);

  // edge/b is no admin: the service refuses, exit code 1.
  ProcessResult refused = Keyward({"reload"}, 'b');
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(OneErrorLine(refused, "keyward: reload: PERMISSION_DENIED: "));
}

TEST_F(CliTest, ConnectionFlagsReplaceTheEnvironment) {
  ProcessResult result =
      RunWith({absl::StrCat("--endpoint=127.0.0.1:", server_->port()),
               absl::StrCat("--ca=", keystore_->ca_cert()),
               absl::StrCat("--cert=", keystore_->client_cert('a')),
               absl::StrCat("--key=", keystore_->client_key('a')), "health"},
              BaseEnvironment());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
}

struct BadInput {
  const char* name;
  std::vector<std::string> args;
  int exit_code;
  const char* error_prefix;
};

TEST_F(CliTest, BadInputGivesTheDocumentedCodeAndOneLine) {
  const std::string ecdsa = absl::StrCat("--host=", kEcdsaHost);
  const std::string rsa = absl::StrCat("--host=", kRsaHost);
  const std::string hash =
      absl::StrCat("--transcript_hash=", std::string(64, 'a'));
  const std::vector<BadInput> cases = {
      // Usage errors: 2.
      {"bad hex",
       {"sign", ecdsa, "--scheme=ecdsa_secp256r1_sha256",
        "--transcript_hash=0g"},
       2,
       "keyward: --transcript_hash: expected hex"},
      {"odd-length hex",
       {"decrypt-premaster", rsa, "--ciphertext=abc"},
       2,
       "keyward: --ciphertext: expected hex"},
      {"bad base64",
       {"decrypt-premaster", rsa, "--ciphertext=base64:!!"},
       2,
       "keyward: --ciphertext: not valid base64"},
      {"unreadable file",
       {"decrypt-premaster", rsa, "--ciphertext=@/nonexistent/pms.enc"},
       2,
       "keyward: --ciphertext: cannot read"},
      {"unknown command",
       {"frobnicate"},
       2,
       "keyward: unknown command \"frobnicate\""},
      {"unknown flag",
       {"keys", "--frobnicate=1"},
       2,
       "keyward: unknown flag --frobnicate"},
      {"bad flag value",
       {"--timeout=soon", "health"},
       2,
       "keyward: Illegal value 'soon' specified for flag 'timeout'"},
      {"flag without its value",
       {"key", "--host"},
       2,
       "keyward: --host needs a value"},
      {"extra argument",
       {"keys", "extra"},
       2,
       "keyward: unexpected argument \"extra\""},
      {"missing selector", {"key"}, 2, "keyward: name the key with exactly"},
      {"two selectors",
       {"key", ecdsa, "--key_id=ab"},
       2,
       "keyward: name the key with exactly"},
      {"missing scheme", {"sign", ecdsa, hash}, 2, "keyward: --scheme: "},
      {"unknown scheme",
       {"sign", ecdsa, "--scheme=rot13", hash},
       2,
       "keyward: --scheme: "},
      {"missing input to sign",
       {"sign", ecdsa, "--scheme=ecdsa_secp256r1_sha256"},
       2,
       "keyward: give --transcript_hash"},
      {"missing ciphertext",
       {"decrypt-premaster", rsa},
       2,
       "keyward: --ciphertext is required"},
      {"missing randoms",
       {"key-exchange", rsa, "--ciphertext=00"},
       2,
       "keyward: --client_random is required"},
      {"bad prf",
       {"key-exchange", rsa, "--ciphertext=00", "--client_random=00",
        "--server_random=00", "--prf=md5"},
       2,
       "keyward: --prf: "},
      {"suite not a number",
       {"derive", "--suite=aes"},
       2,
       "keyward: --suite: \"aes\" is not a number"},
      {"missing shared secret",
       {"derive", "--suite=0x1301"},
       2,
       "keyward: give --shared_secret"},
      {"bad output format",
       {"sign", ecdsa, "--scheme=ecdsa_secp256r1_sha256", hash,
        "--format=octal"},
       2,
       "keyward: --format: "},
      {"bad chain format",
       {"key", ecdsa, "--chain=xml"},
       2,
       "keyward: --chain: expected pem or der"},
      // The service's answers: 1, with the command and the gRPC code.
      {"unknown key",
       {"key", "--host=unknown.example"},
       1,
       "keyward: key: NOT_FOUND: "},
      {"unknown key to sign",
       {"sign", "--host=unknown.example", "--scheme=ecdsa_secp256r1_sha256",
        hash},
       1,
       "keyward: sign: NOT_FOUND: "},
      {"transcript hash too short",
       {"sign", ecdsa, "--scheme=ecdsa_secp256r1_sha256",
        "--transcript_hash=abcd"},
       1,
       "keyward: sign: INVALID_ARGUMENT: "},
      {"scheme of another key type",
       {"sign", ecdsa, "--scheme=rsa_pss_rsae_sha256", hash},
       1,
       "keyward: sign: "},
      {"ciphertext of the wrong length",
       {"decrypt-premaster", rsa, "--ciphertext=0011"},
       1,
       "keyward: decrypt-premaster: INVALID_ARGUMENT: "},
      {"unknown suite",
       {"derive", "--suite=0x1304", "--shared_secret=00",
        "--server_hello_hash=00", "--server_finished_hash=00"},
       1,
       "keyward: derive: INVALID_ARGUMENT: "},
  };
  for (const BadInput& c : cases) {
    ProcessResult result = Keyward(c.args);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.name << ": " << result.err;
    EXPECT_TRUE(OneErrorLine(result, c.error_prefix)) << c.name;
  }
}

// A port that refuses connections: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length),
              0);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST_F(CliTest, UnreachableServiceExitsThree) {
  RefusingPort refusing;
  for (const char* command : {"health", "keys"}) {
    ProcessResult result =
        Keyward({absl::StrCat("--endpoint=127.0.0.1:", refusing.port()),
                 "--timeout=2s", command});
    EXPECT_EQ(result.exit_code, 3) << command << ": " << result.err;
    EXPECT_TRUE(OneErrorLine(result, absl::StrCat("keyward: ", command, ": ")))
        << command;
    EXPECT_TRUE(absl::StrContains(result.err, "UNAVAILABLE") ||
                absl::StrContains(result.err, "DEADLINE_EXCEEDED"))
        << result.err;
  }
}

}  // namespace
}  // namespace keyward::cli
