#include "clients/cli/commands.h"

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "clients/cli/byte_input.h"

ABSL_FLAG(std::string, key_id, "", "Key selector: key id (64 hex chars).");
ABSL_FLAG(std::string, host, "", "Key selector: SNI host name.");
ABSL_FLAG(std::string, cert_sha256, "",
          "Key selector: SHA-256 of the leaf certificate (bytes).");
ABSL_FLAG(std::string, format, "hex", "Output bytes as hex, base64 or raw.");
ABSL_FLAG(std::string, chain, "pem", "key: print the chain as pem or der.");
ABSL_FLAG(std::string, scheme, "",
          "sign: TLS signature scheme, e.g. ecdsa_secp256r1_sha256.");
ABSL_FLAG(std::string, transcript_hash, "",
          "sign: TLS 1.3 CertificateVerify transcript hash (bytes).");
ABSL_FLAG(std::string, client_random, "", "ClientHello.random (bytes).");
ABSL_FLAG(std::string, server_random, "", "ServerHello.random (bytes).");
ABSL_FLAG(std::string, server_params, "",
          "sign: TLS 1.2 ServerECDHParams (bytes).");
ABSL_FLAG(std::string, digest, "", "sign: raw digest (bytes).");
ABSL_FLAG(std::string, message, "", "sign: raw message (bytes).");
ABSL_FLAG(std::string, ciphertext, "",
          "EncryptedPreMasterSecret without its length prefix (bytes).");
ABSL_FLAG(std::string, client_version, "0x0303", "ClientHello.client_version.");
ABSL_FLAG(std::string, prf, "sha256", "key-exchange: PRF hash sha256|sha384.");
ABSL_FLAG(std::string, session_hash, "",
          "key-exchange: extended master secret session hash (bytes).");
ABSL_FLAG(int, key_block_length, 0, "key-exchange: key block bytes.");
ABSL_FLAG(std::string, suite, "", "derive: cipher suite, e.g. 0x1301.");
ABSL_FLAG(std::string, shared_secret, "", "derive (1.3): (EC)DHE secret.");
ABSL_FLAG(std::string, psk, "", "derive (1.3): PSK (bytes).");
ABSL_FLAG(std::string, server_hello_hash, "", "derive (1.3): hash to SH.");
ABSL_FLAG(std::string, server_finished_hash, "",
          "derive (1.3): hash to server Finished.");
ABSL_FLAG(std::string, client_finished_hash, "",
          "derive (1.3): hash to client Finished (optional).");
ABSL_FLAG(std::string, master_secret, "", "derive (1.2): master secret.");

namespace keyward::cli {
namespace {

absl::Status UsageError(absl::string_view message) {
  return MarkUsageError(absl::InvalidArgumentError(message));
}

// Bytes reads an optional byte flag; empty stays empty.
absl::StatusOr<std::string> Bytes(absl::string_view name,
                                  const std::string& value) {
  if (value.empty()) return std::string();
  absl::StatusOr<std::string> bytes = ParseBytes(name, value);
  if (!bytes.ok()) return MarkUsageError(bytes.status());
  return bytes;
}

#define KEYWARD_ASSIGN_BYTES(var, flag)          \
  absl::StatusOr<std::string> var##_or =         \
      Bytes(#flag, absl::GetFlag(FLAGS_##flag)); \
  if (!var##_or.ok()) return var##_or.status();  \
  const std::string& var = *var##_or

// RequiredBytes reads a byte flag the command cannot do without.
absl::StatusOr<std::string> RequiredBytes(absl::string_view name,
                                          const std::string& value) {
  if (value.empty()) {
    return UsageError(absl::StrCat("--", name, " is required"));
  }
  return Bytes(name, value);
}

#define KEYWARD_ASSIGN_REQUIRED_BYTES(var, flag)         \
  absl::StatusOr<std::string> var##_or =                 \
      RequiredBytes(#flag, absl::GetFlag(FLAGS_##flag)); \
  if (!var##_or.ok()) return var##_or.status();          \
  const std::string& var = *var##_or

absl::StatusOr<v1::KeySelector> Selector() {
  v1::KeySelector out;
  int given = 0;
  if (!absl::GetFlag(FLAGS_key_id).empty()) {
    out.set_key_id(absl::GetFlag(FLAGS_key_id));
    ++given;
  }
  if (!absl::GetFlag(FLAGS_host).empty()) {
    out.set_server_name(absl::GetFlag(FLAGS_host));
    ++given;
  }
  if (!absl::GetFlag(FLAGS_cert_sha256).empty()) {
    KEYWARD_ASSIGN_BYTES(hash, cert_sha256);
    out.set_certificate_sha256(hash);
    ++given;
  }
  if (given != 1) {
    return UsageError(
        "name the key with exactly one of --key_id, --host, --cert_sha256");
  }
  return out;
}

absl::StatusOr<uint32_t> Number(absl::string_view flag,
                                absl::string_view text) {
  uint32_t out = 0;
  bool ok = absl::StartsWith(text, "0x")
                ? absl::SimpleHexAtoi(text.substr(2), &out)
                : absl::SimpleAtoi(text, &out);
  if (!ok) {
    return UsageError(
        absl::StrCat("--", flag, ": \"", text, "\" is not a number"));
  }
  return out;
}

absl::Status Print(absl::string_view label, absl::string_view bytes) {
  absl::StatusOr<OutputFormat> format =
      ParseOutputFormat(absl::GetFlag(FLAGS_format));
  if (!format.ok()) return MarkUsageError(format.status());
  if (*format == OutputFormat::kRaw) {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return absl::OkStatus();
  }
  std::string text = FormatBytes(bytes, *format);
  if (label.empty()) {
    std::printf("%s\n", text.c_str());
  } else {
    std::printf("%s: %s\n", std::string(label).c_str(), text.c_str());
  }
  return absl::OkStatus();
}

void PrintKey(const v1::KeyInfo& key) {
  std::vector<std::string> schemes;
  for (int scheme : key.allowed_schemes()) {
    schemes.push_back(absl::AsciiStrToLower(absl::StripPrefix(
        v1::SignatureScheme_Name(scheme), "SIGNATURE_SCHEME_")));
  }
  std::vector<std::string> operations;
  for (int operation : key.allowed_operations()) {
    operations.push_back(absl::AsciiStrToLower(
        absl::StripPrefix(v1::Operation_Name(operation), "OPERATION_")));
  }
  std::printf(
      "%s  %s v%u %s %s (%u bits)\n  hosts: %s\n  operations: %s\n"
      "  schemes: %s\n",
      key.key_id().c_str(), key.name().c_str(), key.version(),
      absl::AsciiStrToLower(
          absl::StripPrefix(v1::KeyState_Name(key.state()), "KEY_STATE_"))
          .c_str(),
      absl::AsciiStrToLower(
          absl::StripPrefix(v1::KeyAlgorithm_Name(key.algorithm()),
                            "KEY_ALGORITHM_"))
          .c_str(),
      key.key_bits(), absl::StrJoin(key.host_names(), ", ").c_str(),
      absl::StrJoin(operations, ", ").c_str(),
      absl::StrJoin(schemes, ", ").c_str());
}

absl::Status RunKeys(client::KeywardClient& client) {
  v1::ListKeysRequest request;
  request.set_server_name(absl::GetFlag(FLAGS_host));
  absl::StatusOr<std::vector<v1::KeyInfo>> keys = client.ListKeys(request);
  if (!keys.ok()) return keys.status();
  for (const v1::KeyInfo& key : *keys) PrintKey(key);
  return absl::OkStatus();
}

absl::Status RunKey(client::KeywardClient& client) {
  absl::StatusOr<v1::KeySelector> selector = Selector();
  if (!selector.ok()) return selector.status();
  absl::StatusOr<v1::KeyInfo> key = client.GetKey(*selector);
  if (!key.ok()) return key.status();
  std::string chain = absl::GetFlag(FLAGS_chain);
  if (chain == "der") {
    // DER: the leaf only, raw, for piping into `openssl x509 -inform der`.
    if (key->certificate_chain_der().empty()) return absl::OkStatus();
    const std::string& leaf = key->certificate_chain_der(0);
    std::fwrite(leaf.data(), 1, leaf.size(), stdout);
    return absl::OkStatus();
  }
  if (chain != "pem") {
    return UsageError("--chain: expected pem or der");
  }
  PrintKey(*key);
  for (const std::string& der : key->certificate_chain_der()) {
    std::string base64 = absl::Base64Escape(der);
    std::printf("-----BEGIN CERTIFICATE-----\n");
    for (size_t i = 0; i < base64.size(); i += 64) {
      std::printf("%s\n", base64.substr(i, 64).c_str());
    }
    std::printf("-----END CERTIFICATE-----\n");
  }
  return absl::OkStatus();
}

absl::Status RunSign(client::KeywardClient& client) {
  absl::StatusOr<v1::KeySelector> selector = Selector();
  if (!selector.ok()) return selector.status();
  v1::SignRequest request;
  *request.mutable_key() = *selector;
  v1::SignatureScheme scheme;
  if (!v1::SignatureScheme_Parse(
          "SIGNATURE_SCHEME_" +
              absl::AsciiStrToUpper(absl::GetFlag(FLAGS_scheme)),
          &scheme) ||
      scheme == v1::SIGNATURE_SCHEME_UNSPECIFIED) {
    return UsageError(
        "--scheme: expected a TLS scheme name, e.g. rsa_pss_rsae_sha256");
  }
  request.set_scheme(scheme);
  KEYWARD_ASSIGN_BYTES(transcript_hash, transcript_hash);
  KEYWARD_ASSIGN_BYTES(server_params, server_params);
  KEYWARD_ASSIGN_BYTES(digest, digest);
  KEYWARD_ASSIGN_BYTES(message, message);
  if (!transcript_hash.empty()) {
    request.mutable_tls13_certificate_verify()->set_transcript_hash(
        transcript_hash);
  } else if (!server_params.empty()) {
    KEYWARD_ASSIGN_BYTES(client_random, client_random);
    KEYWARD_ASSIGN_BYTES(server_random, server_random);
    auto* ske = request.mutable_tls12_server_key_exchange();
    ske->set_client_random(client_random);
    ske->set_server_random(server_random);
    ske->set_server_params(server_params);
  } else if (!digest.empty()) {
    request.set_digest(digest);
  } else if (!message.empty()) {
    request.set_message(message);
  } else {
    return UsageError(
        "give --transcript_hash, --server_params (with the randoms), "
        "--digest or --message");
  }
  absl::StatusOr<v1::SignResponse> response = client.Sign(request);
  if (!response.ok()) return response.status();
  return Print("", response->signature());
}

absl::Status RunDecryptPreMaster(client::KeywardClient& client) {
  absl::StatusOr<v1::KeySelector> selector = Selector();
  if (!selector.ok()) return selector.status();
  KEYWARD_ASSIGN_REQUIRED_BYTES(ciphertext, ciphertext);
  absl::StatusOr<uint32_t> version =
      Number("client_version", absl::GetFlag(FLAGS_client_version));
  if (!version.ok()) return version.status();
  v1::DecryptPreMasterRequest request;
  *request.mutable_key() = *selector;
  request.set_encrypted_pre_master(ciphertext);
  request.set_client_version(*version);
  absl::StatusOr<v1::DecryptPreMasterResponse> response =
      client.DecryptPreMaster(request);
  if (!response.ok()) return response.status();
  return Print("", response->pre_master_secret());
}

absl::Status RunKeyExchange(client::KeywardClient& client) {
  absl::StatusOr<v1::KeySelector> selector = Selector();
  if (!selector.ok()) return selector.status();
  KEYWARD_ASSIGN_REQUIRED_BYTES(ciphertext, ciphertext);
  KEYWARD_ASSIGN_REQUIRED_BYTES(client_random, client_random);
  KEYWARD_ASSIGN_REQUIRED_BYTES(server_random, server_random);
  KEYWARD_ASSIGN_BYTES(session_hash, session_hash);
  absl::StatusOr<uint32_t> version =
      Number("client_version", absl::GetFlag(FLAGS_client_version));
  if (!version.ok()) return version.status();
  v1::RsaKeyExchangeRequest request;
  *request.mutable_key() = *selector;
  request.set_encrypted_pre_master(ciphertext);
  request.set_client_version(*version);
  request.set_client_random(client_random);
  request.set_server_random(server_random);
  std::string prf = absl::GetFlag(FLAGS_prf);
  if (prf != "sha256" && prf != "sha384") {
    return UsageError("--prf: expected sha256 or sha384");
  }
  request.set_prf_hash(prf == "sha256" ? v1::PRF_HASH_SHA256
                                       : v1::PRF_HASH_SHA384);
  request.set_session_hash(session_hash);
  request.set_key_block_length(absl::GetFlag(FLAGS_key_block_length));
  absl::StatusOr<v1::RsaKeyExchangeResponse> response =
      client.RsaKeyExchange(request);
  if (!response.ok()) return response.status();
  absl::Status printed = Print("master_secret", response->master_secret());
  if (!printed.ok() || response->key_block().empty()) return printed;
  return Print("key_block", response->key_block());
}

absl::Status PrintKeys(absl::string_view name, const v1::TrafficKeys& keys) {
  absl::Status status = Print(absl::StrCat(name, ".secret"), keys.secret());
  if (status.ok()) status = Print(absl::StrCat(name, ".key"), keys.key());
  if (status.ok()) status = Print(absl::StrCat(name, ".iv"), keys.iv());
  return status;
}

absl::Status RunDerive(client::KeywardClient& client) {
  absl::StatusOr<uint32_t> suite = Number("suite", absl::GetFlag(FLAGS_suite));
  if (!suite.ok()) return suite.status();
  v1::DeriveSessionKeysRequest request;
  if ((*suite >> 8) == 0x13) {
    KEYWARD_ASSIGN_BYTES(shared_secret, shared_secret);
    KEYWARD_ASSIGN_BYTES(psk, psk);
    if (shared_secret.empty() && psk.empty()) {
      return UsageError("give --shared_secret, --psk (PSK-only) or both");
    }
    KEYWARD_ASSIGN_REQUIRED_BYTES(server_hello_hash, server_hello_hash);
    KEYWARD_ASSIGN_REQUIRED_BYTES(server_finished_hash, server_finished_hash);
    KEYWARD_ASSIGN_BYTES(client_finished_hash, client_finished_hash);
    v1::Tls13KeySchedule* tls13 = request.mutable_tls13();
    tls13->set_cipher_suite(*suite);
    tls13->set_shared_secret(shared_secret);
    tls13->set_psk(psk);
    tls13->set_server_hello_hash(server_hello_hash);
    tls13->set_server_finished_hash(server_finished_hash);
    tls13->set_client_finished_hash(client_finished_hash);
  } else {
    KEYWARD_ASSIGN_REQUIRED_BYTES(master_secret, master_secret);
    KEYWARD_ASSIGN_REQUIRED_BYTES(client_random, client_random);
    KEYWARD_ASSIGN_REQUIRED_BYTES(server_random, server_random);
    v1::Tls12KeyBlock* tls12 = request.mutable_tls12();
    tls12->set_cipher_suite(*suite);
    tls12->set_master_secret(master_secret);
    tls12->set_client_random(client_random);
    tls12->set_server_random(server_random);
  }
  absl::StatusOr<v1::DeriveSessionKeysResponse> response =
      client.DeriveSessionKeys(request);
  if (!response.ok()) return response.status();
  if (response->has_tls13()) {
    const v1::Tls13SessionKeys& keys = response->tls13();
    absl::Status status =
        PrintKeys("client_handshake", keys.client_handshake());
    if (status.ok())
      status = PrintKeys("server_handshake", keys.server_handshake());
    if (status.ok())
      status = PrintKeys("client_application", keys.client_application());
    if (status.ok())
      status = PrintKeys("server_application", keys.server_application());
    if (status.ok())
      status = Print("exporter_master_secret", keys.exporter_master_secret());
    if (status.ok() && !keys.resumption_master_secret().empty()) {
      status =
          Print("resumption_master_secret", keys.resumption_master_secret());
    }
    return status;
  }
  const v1::Tls12SessionKeys& keys = response->tls12();
  absl::Status status =
      Print("client_write_mac_key", keys.client_write_mac_key());
  if (status.ok())
    status = Print("server_write_mac_key", keys.server_write_mac_key());
  if (status.ok()) status = Print("client_write_key", keys.client_write_key());
  if (status.ok()) status = Print("server_write_key", keys.server_write_key());
  if (status.ok()) status = Print("client_write_iv", keys.client_write_iv());
  if (status.ok()) status = Print("server_write_iv", keys.server_write_iv());
  return status;
}

absl::Status RunHealth(client::KeywardClient& client) {
  absl::Status status = client.CheckHealth();
  if (status.ok()) std::printf("SERVING\n");
  return status;
}

absl::Status RunReload(client::KeywardClient& client) {
  absl::StatusOr<v1::ReloadResponse> response = client.Reload();
  if (!response.ok()) return response.status();
  std::printf("reloaded: %u keys, generation %llu\n", response->key_count(),
              static_cast<unsigned long long>(response->generation()));
  return absl::OkStatus();
}

}  // namespace

absl::Status MarkUsageError(absl::Status status) {
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"keys", "list the keys this identity may use",
       "  [--host=NAME]  only keys whose certificate covers NAME\n"
       "example: keyward keys",
       RunKeys},
      {"key", "show one key and its certificate chain",
       "  --key_id=HEX | --host=NAME | --cert_sha256=BYTES\n"
       "  [--chain=pem|der]  pem: description and PEM chain; der: the leaf\n"
       "example: keyward key --host=www.example.test",
       RunKey},
      {"sign", "sign a TLS handshake message (or a raw digest/message)",
       "  selector (see key), --scheme=NAME, and one input:\n"
       "  --transcript_hash=BYTES              TLS 1.3 CertificateVerify\n"
       "  --client_random --server_random --server_params  TLS 1.2 SKE\n"
       "  --digest=BYTES | --message=BYTES     raw (if the policy allows)\n"
       "  [--format=hex|base64|raw]\n"
       "example: keyward sign --host=ecdsa-p256.dev.keyward.test "
       "--scheme=ecdsa_secp256r1_sha256 --transcript_hash=$(openssl rand "
       "-hex 32)",
       RunSign},
      {"decrypt-premaster", "decrypt a TLS 1.2 RSA pre-master secret",
       "  selector, --ciphertext=BYTES, [--client_version=0x0303]\n"
       "  Always prints 48 bytes (a synthetic value for a bad ciphertext).\n"
       "example: keyward decrypt-premaster --host=rsa-2048.dev.keyward.test "
       "--ciphertext=@pms.enc",
       RunDecryptPreMaster},
      {"key-exchange", "TLS 1.2 RSA key exchange up to the master secret",
       "  selector, --ciphertext, [--client_version], --client_random,\n"
       "  --server_random, [--prf=sha256|sha384], [--session_hash] (EMS),\n"
       "  [--key_block_length=N]\n"
       "example: keyward key-exchange --host=rsa-2048.dev.keyward.test "
       "--ciphertext=@pms.enc --client_random=$(openssl rand -hex 32) "
       "--server_random=$(openssl rand -hex 32)",
       RunKeyExchange},
      {"derive", "run a TLS key schedule (1.3 secrets, 1.2 key block)",
       "  TLS 1.3: --suite=0x1301|0x1302|0x1303 --shared_secret and/or --psk\n"
       "           --server_hello_hash --server_finished_hash\n"
       "           [--client_finished_hash]\n"
       "  TLS 1.2: --suite=0xC02F... --master_secret --client_random\n"
       "           --server_random\n"
       "example: keyward derive --suite=0x1301 --shared_secret=$(openssl "
       "rand -hex 32) --server_hello_hash=$(openssl rand -hex 32) "
       "--server_finished_hash=$(openssl rand -hex 32)",
       RunDerive},
      {"health", "ask whether the service is serving",
       "example: keyward health", RunHealth},
      {"reload", "reload the keystore (admin identities only)",
       "example: keyward reload", RunReload},
  };
  return *commands;
}

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : Commands()) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

}  // namespace keyward::cli
