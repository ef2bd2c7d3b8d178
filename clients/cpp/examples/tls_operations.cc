// tls_operations: the two calls an edge server makes, with KeywardClient.
//
//   bazel run //clients/cpp/examples:tls_operations
//
// reads the connection from KEYWARD_ENDPOINT, KEYWARD_CA, KEYWARD_CERT and
// KEYWARD_KEY (as `scripts/run` prints them), then
//  1. signs a TLS 1.3 CertificateVerify with the ECDSA P-256 dev key and
//     verifies the signature with the certificate's public key;
//  2. encrypts a pre-master secret to the RSA-2048 dev key's certificate,
//     as a TLS 1.2 client would, and has the service derive the master
//     secret from it.
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "clients/cpp/keyward_client.h"

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string Random(size_t length) {
  std::string out(length, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), length);
  return out;
}

// PublicKey parses the leaf certificate's public key.
EVP_PKEY* PublicKey(const std::string& leaf_der) {
  const unsigned char* p =
      reinterpret_cast<const unsigned char*>(leaf_der.data());
  X509* leaf = d2i_X509(nullptr, &p, leaf_der.size());
  if (leaf == nullptr) return nullptr;
  EVP_PKEY* key = X509_get_pubkey(leaf);
  X509_free(leaf);
  return key;
}

int Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  keyward::client::KeywardClientOptions options;
  options.endpoints = {Env("KEYWARD_ENDPOINT")};
  options.ca_file = Env("KEYWARD_CA");
  options.cert_file = Env("KEYWARD_CERT");
  options.key_file = Env("KEYWARD_KEY");
  auto client = keyward::client::KeywardClient::Create(options);
  if (!client.ok()) return Fail("connect", client.status());

  // 1. TLS 1.3 CertificateVerify (RFC 8446 §4.4.3): the service builds the
  // signed content from the transcript hash.
  keyward::v1::SignRequest sign;
  sign.mutable_key()->set_server_name("ecdsa-p256.dev.keyward.test");
  sign.set_scheme(keyward::v1::SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256);
  std::string transcript_hash = Random(32);
  sign.mutable_tls13_certificate_verify()->set_transcript_hash(transcript_hash);
  auto signature = (*client)->Sign(sign);
  if (!signature.ok()) return Fail("sign", signature.status());

  keyward::v1::KeySelector by_id;
  by_id.set_key_id(signature->key_id());
  auto key = (*client)->GetKey(by_id);
  if (!key.ok()) return Fail("get key", key.status());
  std::string content = std::string(64, ' ') +
                        "TLS 1.3, server CertificateVerify" +
                        std::string(1, '\0') + transcript_hash;
  EVP_PKEY* ecdsa = PublicKey(key->certificate_chain_der(0));
  EVP_MD_CTX* verify = EVP_MD_CTX_new();
  bool valid =
      ecdsa != nullptr &&
      EVP_DigestVerifyInit(verify, nullptr, EVP_sha256(), nullptr, ecdsa) ==
          1 &&
      EVP_DigestVerify(
          verify,
          reinterpret_cast<const unsigned char*>(signature->signature().data()),
          signature->signature().size(),
          reinterpret_cast<const unsigned char*>(content.data()),
          content.size()) == 1;
  EVP_MD_CTX_free(verify);
  EVP_PKEY_free(ecdsa);
  std::printf("CertificateVerify by %s: %s\n", signature->key_id().c_str(),
              valid ? "signature verifies" : "SIGNATURE DOES NOT VERIFY");
  if (!valid) return 1;

  // 2. TLS 1.2 RSA key exchange (RFC 5246 §7.4.7.1, §8.1).
  keyward::v1::KeySelector rsa_host;
  rsa_host.set_server_name("rsa-2048.dev.keyward.test");
  auto rsa_key = (*client)->GetKey(rsa_host);
  if (!rsa_key.ok()) return Fail("get key", rsa_key.status());
  std::string pre_master = "\x03\x03" + Random(46);
  EVP_PKEY* rsa = PublicKey(rsa_key->certificate_chain_der(0));
  EVP_PKEY_CTX* encrypt = EVP_PKEY_CTX_new(rsa, nullptr);
  size_t length = 512;
  std::string ciphertext(length, '\0');
  bool encrypted =
      EVP_PKEY_encrypt_init(encrypt) == 1 &&
      EVP_PKEY_encrypt(
          encrypt, reinterpret_cast<unsigned char*>(ciphertext.data()), &length,
          reinterpret_cast<const unsigned char*>(pre_master.data()),
          pre_master.size()) == 1;
  EVP_PKEY_CTX_free(encrypt);
  EVP_PKEY_free(rsa);
  if (!encrypted) return Fail("encrypt", absl::InternalError("OpenSSL"));
  ciphertext.resize(length);

  keyward::v1::RsaKeyExchangeRequest exchange;
  exchange.mutable_key()->set_key_id(rsa_key->key_id());
  exchange.set_encrypted_pre_master(ciphertext);
  exchange.set_client_version(0x0303);
  exchange.set_client_random(Random(32));
  exchange.set_server_random(Random(32));
  exchange.set_prf_hash(keyward::v1::PRF_HASH_SHA256);
  exchange.set_key_block_length(40);  // e.g. AES-128-GCM: 2×16 + 2×4
  auto secrets = (*client)->RsaKeyExchange(exchange);
  if (!secrets.ok()) return Fail("key exchange", secrets.status());
  std::printf("RSA key exchange: master secret %s, key block %zu bytes\n",
              absl::BytesToHexString(secrets->master_secret()).c_str(),
              secrets->key_block().size());
  return 0;
}
