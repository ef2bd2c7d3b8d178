#include "tests/support/dev_keystore.h"

#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "keystore/pkcs11/testing/softhsm_token.h"

namespace keyward::testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "keyward", "/",
                      workspace_relative);
}

namespace {

using keystore::pkcs11::testing::SoftHsmToken;

constexpr const char* kServerKeys[] = {"rsa-2048", "rsa-3072", "ecdsa-p256",
                                       "ecdsa-p384", "ed25519"};
constexpr char kDevPin[] = "dev-pin-2468";

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return absl::InternalError(absl::StrCat("cannot read ", path));
  return text.str();
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// ImportKey puts keys/<name>.key and the leaf of keys/<name>.crt on `token`
// with label `name`.
absl::Status ImportKey(const SoftHsmToken& token, const DevKeystore& keystore,
                       const std::string& name) {
  const std::string stem = absl::StrCat(keystore.dir, "/keys/", name);
  std::unique_ptr<FILE, decltype(&std::fclose)> key_file(
      std::fopen((stem + ".key").c_str(), "r"), std::fclose);
  std::unique_ptr<FILE, decltype(&std::fclose)> chain_file(
      std::fopen((stem + ".crt").c_str(), "r"), std::fclose);
  if (key_file == nullptr || chain_file == nullptr) {
    return absl::InternalError(absl::StrCat("cannot open ", stem, ".*"));
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_PrivateKey(key_file.get(), nullptr, nullptr, nullptr),
      EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> leaf(
      PEM_read_X509(chain_file.get(), nullptr, nullptr, nullptr), X509_free);
  if (key == nullptr || leaf == nullptr) {
    return absl::InternalError(absl::StrCat("cannot parse ", stem, ".*"));
  }
  if (absl::Status status = token.ImportKey(key.get(), name, name);
      !status.ok()) {
    return status;
  }
  return token.ImportCertificate(leaf.get(), name, name);
}

// MoveToToken imports the server keys into a new token and rewrites the
// manifest to name them by URI (see the header).
absl::Status MoveToToken(const DevKeystore& keystore, const std::string& name) {
  absl::StatusOr<SoftHsmToken> token =
      SoftHsmToken::Create(absl::StrCat("dev-", name), kDevPin);
  if (!token.ok()) return token.status();
  const std::string manifest_path = keystore.dir + "/manifest.textproto";
  absl::StatusOr<std::string> manifest = ReadText(manifest_path);
  if (!manifest.ok()) return manifest.status();
  std::string rewritten = absl::StrCat(
      "pkcs11_token {\n  token_label: \"", token->label(),
      "\"\n  module_path: \"", keystore::pkcs11::testing::kSoftHsmModule,
      "\"\n  pin_file: \"pkcs11.pin\"\n  max_sessions: 4\n}\n", *manifest);
  for (const char* key : kServerKeys) {
    if (absl::Status status = ImportKey(*token, keystore, key); !status.ok()) {
      return status;
    }
    const std::string uri = token->KeyUri(key);
    const size_t replaced = absl::StrReplaceAll(
        {{absl::StrCat("private_key_file: \"keys/", key, ".key\""),
          absl::StrCat("pkcs11_uri: \"", uri, "\"")},
         {absl::StrCat("certificate_chain_file: \"keys/", key, ".crt\""),
          absl::StrCat("certificate_pkcs11_uri: \"", uri,
                       "\"\n  certificate_chain_file: \"ca/ca.crt\"")}},
        &rewritten);
    if (replaced != 2) {
      return absl::InternalError(
          absl::StrCat("the manifest does not name ", key, "'s files"));
    }
  }
  if (absl::Status status = WriteText(manifest_path, rewritten);
      !status.ok()) {
    return status;
  }
  const std::string pin_path = keystore.dir + "/pkcs11.pin";
  if (absl::Status status = WriteText(pin_path, kDevPin); !status.ok()) {
    return status;
  }
  // Read like a private key: refused when group or others may access it.
  if (chmod(pin_path.c_str(), 0600) != 0) {
    return absl::InternalError(absl::StrCat("cannot chmod ", pin_path));
  }
  return absl::OkStatus();
}

}  // namespace

std::string KeyBackendName(KeyBackend backend) {
  return backend == KeyBackend::kFile ? "file" : "pkcs11";
}

absl::StatusOr<DevKeystore> MakeDevKeystore(const std::string& name,
                                            KeyBackend backend) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  DevKeystore out{absl::StrCat(tmp ? tmp : "/tmp", "/", name)};
  std::string command = absl::StrCat(
      "'", RunfilePath("scripts/gen-dev-keystore"), "' '", out.dir, "' >&2");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  if (backend == KeyBackend::kPkcs11) {
    if (absl::Status status = MoveToToken(out, name); !status.ok()) {
      return status;
    }
  }
  return out;
}

}  // namespace keyward::testing
