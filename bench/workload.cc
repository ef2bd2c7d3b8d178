#include "bench/workload.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace keyward::bench {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

// TLS 1.2's ClientHello.client_version (RFC 5246 §7.4.7.1).
constexpr uint16_t kTls12Version = 0x0303;

std::string RandomBytes(size_t length) {
  std::string out(length, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
             static_cast<int>(length));
  return out;
}

// LeafCertificate reads the first certificate of a PEM chain file.
absl::StatusOr<X509Ptr> LeafCertificate(const std::string& path) {
  std::unique_ptr<FILE, decltype(&fclose)> file(fopen(path.c_str(), "r"),
                                                &fclose);
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  X509Ptr certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr),
                      &X509_free);
  if (certificate == nullptr) {
    return absl::InternalError(absl::StrCat(path, ": no PEM certificate"));
  }
  return certificate;
}

// EncryptPreMaster returns a PKCS#1 v1.5 encryption of a fresh TLS 1.2
// pre-master secret to `public_key`.
absl::StatusOr<std::string> EncryptPreMaster(EVP_PKEY* public_key) {
  std::string pre_master = RandomBytes(48);
  pre_master[0] = static_cast<char>(kTls12Version >> 8);
  pre_master[1] = static_cast<char>(kTls12Version & 0xff);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(public_key, nullptr), &EVP_PKEY_CTX_free);
  size_t length = 0;
  if (ctx == nullptr || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_encrypt(
          ctx.get(), nullptr, &length,
          reinterpret_cast<const unsigned char*>(pre_master.data()),
          pre_master.size()) != 1) {
    return absl::InternalError("cannot set up RSA encryption");
  }
  std::string out(length, '\0');
  if (EVP_PKEY_encrypt(
          ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
          reinterpret_cast<const unsigned char*>(pre_master.data()),
          pre_master.size()) != 1) {
    return absl::InternalError("RSA encryption failed");
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string X25519ServerParams() {
  return absl::StrCat(std::string("\x03\x00\x1d\x20", 4), RandomBytes(32));
}

absl::StatusOr<Workload> Workload::Create(const OperationSpec& spec,
                                          const std::string& keystore_dir,
                                          int count) {
  X509Ptr certificate(nullptr, &X509_free);
  if (spec.kind != OperationKind::kSign) {
    absl::StatusOr<X509Ptr> read = LeafCertificate(
        absl::StrCat(keystore_dir, "/keys/", spec.key.name, ".crt"));
    if (!read.ok()) return read.status();
    certificate = *std::move(read);
  }
  std::vector<v1::PipelineRequest> requests;
  for (int i = 0; i < count; ++i) {
    v1::PipelineRequest request;
    v1::KeySelector* key = nullptr;
    switch (spec.kind) {
      case OperationKind::kSign: {
        v1::SignRequest* sign = request.mutable_sign();
        key = sign->mutable_key();
        sign->set_scheme(spec.scheme);
        if (SignsTls12ServerKeyExchange(spec.scheme)) {
          v1::Tls12ServerKeyExchange* exchange =
              sign->mutable_tls12_server_key_exchange();
          exchange->set_client_random(RandomBytes(32));
          exchange->set_server_random(RandomBytes(32));
          exchange->set_server_params(X25519ServerParams());
        } else {
          sign->mutable_tls13_certificate_verify()->set_transcript_hash(
              RandomBytes(32));
        }
        break;
      }
      case OperationKind::kDecryptPreMaster: {
        v1::DecryptPreMasterRequest* decrypt =
            request.mutable_decrypt_pre_master();
        key = decrypt->mutable_key();
        absl::StatusOr<std::string> ciphertext =
            EncryptPreMaster(X509_get0_pubkey(certificate.get()));
        if (!ciphertext.ok()) return ciphertext.status();
        decrypt->set_encrypted_pre_master(*std::move(ciphertext));
        decrypt->set_client_version(kTls12Version);
        break;
      }
      case OperationKind::kRsaKeyExchange: {
        v1::RsaKeyExchangeRequest* exchange =
            request.mutable_rsa_key_exchange();
        key = exchange->mutable_key();
        absl::StatusOr<std::string> ciphertext =
            EncryptPreMaster(X509_get0_pubkey(certificate.get()));
        if (!ciphertext.ok()) return ciphertext.status();
        exchange->set_encrypted_pre_master(*std::move(ciphertext));
        exchange->set_client_version(kTls12Version);
        exchange->set_client_random(RandomBytes(32));
        exchange->set_server_random(RandomBytes(32));
        exchange->set_prf_hash(v1::PRF_HASH_SHA256);
        exchange->set_session_hash(RandomBytes(32));
        exchange->set_key_block_length(kKeyBlockLength);
        break;
      }
    }
    key->set_server_name(spec.key.host_name);
    requests.push_back(std::move(request));
  }
  return Workload(spec, std::move(requests));
}

absl::Status CheckResponse(const v1::SignResponse& response) {
  if (response.signature().empty()) {
    return absl::InternalError("Sign answered an empty signature");
  }
  return absl::OkStatus();
}

absl::Status CheckResponse(const v1::DecryptPreMasterResponse& response) {
  if (response.pre_master_secret().size() != 48) {
    return absl::InternalError(absl::StrCat("DecryptPreMaster answered ",
                                            response.pre_master_secret().size(),
                                            " bytes, not 48"));
  }
  return absl::OkStatus();
}

absl::Status CheckResponse(const v1::RsaKeyExchangeResponse& response) {
  if (response.master_secret().size() != 48 ||
      response.key_block().size() != kKeyBlockLength) {
    return absl::InternalError(absl::StrCat(
        "RsaKeyExchange answered a ", response.master_secret().size(),
        "-byte master secret and a ", response.key_block().size(),
        "-byte key block"));
  }
  return absl::OkStatus();
}

absl::Status CheckResponse(const v1::PipelineResponse& response) {
  if (response.status().code() != 0) {
    return absl::Status(static_cast<absl::StatusCode>(response.status().code()),
                        response.status().message());
  }
  switch (response.result_case()) {
    case v1::PipelineResponse::kSign:
      return CheckResponse(response.sign());
    case v1::PipelineResponse::kDecryptPreMaster:
      return CheckResponse(response.decrypt_pre_master());
    case v1::PipelineResponse::kRsaKeyExchange:
      return CheckResponse(response.rsa_key_exchange());
    default:
      return absl::InternalError(
          absl::StrCat("Pipeline answered result case ",
                       static_cast<int>(response.result_case())));
  }
}

}  // namespace keyward::bench
