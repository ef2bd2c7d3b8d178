// Who gets what, for every KeyService operation, through the real server:
//   a certificate of an untrusted CA, or none     UNAVAILABLE (the TLS
//                                                 handshake is refused and
//                                                 the service sees no call)
//   a trusted certificate without any name        UNAUTHENTICATED
//   an identity without a grant for rsa-2048      exactly the NOT_FOUND of a
//                                                 key that does not exist
//                                                 (ListKeys leaves it out;
//                                                 DeriveSessionKeys needs no
//                                                 key and answers)
//   edge/a, granted everything                    OK, results verified
// The certificates with only a DNS name, only a commonName, or no name at
// all are issued here with the dev CA's key; the manifest grants a key to
// the DNS name and one to the commonName, and ListKeys shows each caller
// exactly its own keys.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "keyward/v1/key_service.grpc.pb.h"
#include "service/server_config.pb.h"
#include "tests/support/dev_keystore.h"
#include "tests/support/openssl_tls_prf.h"
#include "tests/support/rsa_ciphertexts.h"
#include "tests/support/signature_check.h"
#include "tests/support/test_server.h"

namespace keyward {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free_all)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using X509NamePtr = std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)>;
using BignumPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// Names of the certificates issued by this test (see the manifest grants).
constexpr char kDnsName[] = "edge-c.clients.keyward.test";
constexpr char kCnOfDnsCertificate[] = "edge-c";
constexpr char kCommonName[] = "edge-d";

const std::string kAbsentKeyId(64, 'e');
const std::string kClientRandom(32, 'c');
const std::string kServerRandom(32, 's');
const std::string kTranscriptHash(32, 't');
constexpr uint16_t kTls12 = 0x0303;

X509Ptr ReadCertificatePem(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"), BIO_free_all);
  if (bio == nullptr) return X509Ptr(nullptr, X509_free);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                 X509_free);
}

testing::EvpPkeyPtr ReadPrivateKeyPem(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"), BIO_free_all);
  if (bio == nullptr) return testing::EvpPkeyPtr(nullptr, EVP_PKEY_free);
  return testing::EvpPkeyPtr(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
      EVP_PKEY_free);
}

// AddExtension adds an X.509v3 extension given in OpenSSL's configuration
// syntax (e.g. "critical,CA:FALSE").
bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()),
      X509_EXTENSION_free);
  return extension != nullptr && X509_add_ext(cert, extension.get(), -1) == 1;
}

// IssueClientCertificate issues, with the dev CA of `keystore` (its key is
// ca/ca.key), a one-day P-256 client certificate with subject O=Keyward
// Test plus CN=`common_name` unless empty, and subjectAltName `alt_names`
// (OpenSSL syntax, e.g. "DNS:x"; none when empty). Writes the certificate
// and its private key as PEM to `path_prefix`.crt and .key. A gtest failure
// and false on any error.
bool IssueClientCertificate(const testing::DevKeystore& keystore,
                            const std::string& common_name,
                            const std::string& alt_names,
                            const std::string& path_prefix) {
  X509Ptr ca_cert = ReadCertificatePem(keystore.ca_cert());
  testing::EvpPkeyPtr ca_key = ReadPrivateKeyPem(keystore.dir + "/ca/ca.key");
  testing::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                          EVP_PKEY_free);
  X509Ptr cert(X509_new(), X509_free);
  X509NamePtr subject(X509_NAME_new(), X509_NAME_free);
  BignumPtr serial(BN_new(), BN_free);
  if (ca_cert == nullptr || ca_key == nullptr || key == nullptr ||
      cert == nullptr || subject == nullptr || serial == nullptr) {
    ADD_FAILURE() << "cannot read the dev CA or allocate a certificate";
    return false;
  }
  const auto text = [](const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.c_str());
  };
  const bool issued =
      X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
      BN_rand(serial.get(), 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) !=
          nullptr &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) != nullptr &&
      X509_NAME_add_entry_by_txt(subject.get(), "O", MBSTRING_ASC,
                                 text("Keyward Test"), -1, -1, 0) == 1 &&
      (common_name.empty() ||
       X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_ASC,
                                  text(common_name), -1, -1, 0) == 1) &&
      X509_set_subject_name(cert.get(), subject.get()) == 1 &&
      X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) ==
          1 &&
      X509_set_pubkey(cert.get(), key.get()) == 1 &&
      AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints,
                   "critical,CA:FALSE") &&
      AddExtension(cert.get(), ca_cert.get(), NID_key_usage,
                   "critical,digitalSignature") &&
      AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage,
                   "clientAuth") &&
      (alt_names.empty() || AddExtension(cert.get(), ca_cert.get(),
                                         NID_subject_alt_name, alt_names)) &&
      X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0;
  if (!issued) {
    ADD_FAILURE() << "cannot issue " << path_prefix;
    return false;
  }
  BioPtr cert_out(BIO_new_file((path_prefix + ".crt").c_str(), "w"),
                  BIO_free_all);
  BioPtr key_out(BIO_new_file((path_prefix + ".key").c_str(), "w"),
                 BIO_free_all);
  if (cert_out == nullptr || key_out == nullptr ||
      PEM_write_bio_X509(cert_out.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    ADD_FAILURE() << "cannot write " << path_prefix;
    return false;
  }
  return true;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    ADD_FAILURE() << "EVP_Digest failed";
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

// LeafDer returns the first certificate of a PEM file as DER.
std::string LeafDer(const std::string& path) {
  X509Ptr cert = ReadCertificatePem(path);
  unsigned char* der = nullptr;
  const int length = cert == nullptr ? -1 : i2d_X509(cert.get(), &der);
  if (length <= 0) {
    ADD_FAILURE() << "cannot read a certificate from " << path;
    return "";
  }
  std::string out(reinterpret_cast<const char*>(der), length);
  OPENSSL_free(der);
  return out;
}

// What a client must get for the operations on rsa-2048.
enum class Expect {
  kHandshakeRefused,
  kUnauthenticated,
  kNotGranted,
  kGranted
};

struct ClientCase {
  const char* name;
  Expect expect;
  client::ChannelOptions channel;
  // The names ListKeys must show the client, in manifest order.
  std::vector<std::string> listed;
};

enum class Operation {
  kListKeys,
  kGetKey,
  kSignStructured,
  kSignDigest,
  kDecryptPreMaster,
  kRsaKeyExchange,
  kDeriveSessionKeys,
  kPipelineSign,
};

constexpr Operation kOperations[] = {
    Operation::kListKeys,          Operation::kGetKey,
    Operation::kSignStructured,    Operation::kSignDigest,
    Operation::kDecryptPreMaster,  Operation::kRsaKeyExchange,
    Operation::kDeriveSessionKeys, Operation::kPipelineSign,
};

const char* OperationName(Operation operation) {
  switch (operation) {
    case Operation::kListKeys:
      return "ListKeys";
    case Operation::kGetKey:
      return "GetKey";
    case Operation::kSignStructured:
      return "Sign(tls13_certificate_verify)";
    case Operation::kSignDigest:
      return "Sign(digest)";
    case Operation::kDecryptPreMaster:
      return "DecryptPreMaster";
    case Operation::kRsaKeyExchange:
      return "RsaKeyExchange";
    case Operation::kDeriveSessionKeys:
      return "DeriveSessionKeys";
    case Operation::kPipelineSign:
      return "Pipeline(sign)";
  }
  return "?";
}

bool UsesKey(Operation operation) {
  return operation != Operation::kListKeys &&
         operation != Operation::kDeriveSessionKeys;
}

// Answer: what one operation returned. `verified` says whether an OK
// result checked out against the reference computed here.
struct Answer {
  explicit Answer(grpc::Status status) : status(std::move(status)) {}

  grpc::Status status;
  ::testing::AssertionResult verified = ::testing::AssertionFailure()
                                        << "no result";
  std::vector<std::string> listed;  // ListKeys: the names listed.
};

::testing::AssertionResult Verified(bool ok, absl::string_view what) {
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::DevKeystore> keystore =
        testing::MakeDevKeystore("matrix");
    ASSERT_TRUE(keystore.ok()) << keystore.status();
    keystore_ = *keystore;
    absl::StatusOr<testing::DevKeystore> other =
        testing::MakeDevKeystore("matrix-other-ca");
    ASSERT_TRUE(other.ok()) << other.status();
    other_ca_ = *other;

    const std::string clients = keystore_.dir + "/clients/";
    ASSERT_TRUE(IssueClientCertificate(
        keystore_, "", "email:nobody@keyward.test", clients + "no-name"));
    ASSERT_TRUE(IssueClientCertificate(keystore_, kCnOfDnsCertificate,
                                       absl::StrCat("DNS:", kDnsName),
                                       clients + "dns-only"));
    ASSERT_TRUE(IssueClientCertificate(keystore_, kCommonName, "",
                                       clients + "cn-only"));
    GrantExtraIdentities();

    config_ = testing::TestServerConfig(keystore_);
    absl::StatusOr<std::unique_ptr<testing::TestServer>> server =
        testing::TestServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);

    rsa_certificate_ = LeafDer(keystore_.dir + "/keys/rsa-2048.crt");
    rsa_spki_ = testing::SpkiOfCertificate(rsa_certificate_);
    rsa_key_id_ = Sha256Hex(rsa_spki_);
    rsa_public_ = testing::PublicKeyOfCertificate(rsa_certificate_);
    ASSERT_NE(rsa_public_, nullptr);
    pre_master_ = testing::PreMaster(kTls12, 'p');
    encrypted_pre_master_ =
        testing::EncryptPkcs1(rsa_public_.get(), pre_master_);
    ASSERT_EQ(encrypted_pre_master_.size(), 256u);
  }

  // GrantExtraIdentities grants ed25519 to the DNS-only certificate's name
  // and ecdsa-p384 to the CN-only one's, and rsa-3072 to the commonNames of
  // certificates that have a subjectAltName (edge-b, edge-c): those are not
  // their identities, so they must not see it.
  void GrantExtraIdentities() {
    const std::string path = keystore_.dir + "/manifest.textproto";
    std::stringstream original;
    original << std::ifstream(path).rdbuf();
    const auto allow = [](const std::string& key,
                          const std::vector<std::string>& identities) {
      std::string rule = absl::StrCat("  name: \"", key, "\"\n  allow {\n");
      for (const std::string& identity : identities) {
        absl::StrAppend(&rule, "    identity: \"", identity, "\"\n");
      }
      absl::StrAppend(&rule,
                      "    operations: [OPERATION_SIGN_STRUCTURED]\n  }\n");
      return std::make_pair(absl::StrCat("  name: \"", key, "\"\n"), rule);
    };
    const std::vector<std::pair<std::string, std::string>> rules = {
        allow("ed25519", {kDnsName}), allow("ecdsa-p384", {kCommonName}),
        allow("rsa-3072", {"edge-b", kCnOfDnsCertificate})};
    const std::string granted = absl::StrReplaceAll(original.str(), rules);
    for (const auto& [name, rule] : rules) {
      ASSERT_NE(granted.find(rule), std::string::npos) << name;
    }
    std::ofstream(path) << granted;
  }

  size_t AuditLines() const {
    std::ifstream in(config_.audit().path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string lines = text.str();
    return std::count(lines.begin(), lines.end(), '\n');
  }

  static void SetDeadline(grpc::ClientContext* context) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  }

  v1::SignRequest StructuredSign(const std::string& key_id) const {
    v1::SignRequest request;
    request.mutable_key()->set_key_id(key_id);
    request.set_scheme(v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256);
    request.mutable_tls13_certificate_verify()->set_transcript_hash(
        kTranscriptHash);
    return request;
  }

  ::testing::AssertionResult StructuredSignatureVerifies(
      const v1::SignResponse& response) const {
    if (response.key_id() != rsa_key_id_) {
      return ::testing::AssertionFailure() << "key_id " << response.key_id();
    }
    return testing::VerifyMessageSignature(
        v1::SIGNATURE_SCHEME_RSA_PSS_RSAE_SHA256, rsa_public_.get(),
        std::string(64, ' ') + "TLS 1.3, server CertificateVerify" +
            std::string(1, '\0') + kTranscriptHash,
        response.signature());
  }

  Answer ListKeys(v1::KeyService::Stub& stub) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ListKeysResponse response;
    Answer out{stub.ListKeys(&context, v1::ListKeysRequest(), &response)};
    bool consistent = true;
    for (const v1::KeyInfo& key : response.keys()) {
      out.listed.push_back(key.name());
      consistent = consistent && key.key_id() == Sha256Hex(key.spki_der());
      if (key.name() == "rsa-2048") {
        consistent = consistent && key.key_id() == rsa_key_id_ &&
                     key.certificate_chain_der_size() == 2 &&
                     key.certificate_chain_der(0) == rsa_certificate_;
      }
    }
    out.verified = Verified(consistent, "a listed key does not match");
    return out;
  }

  Answer GetKey(v1::KeyService::Stub& stub, const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetKeyRequest request;
    request.mutable_key()->set_key_id(key_id);
    v1::GetKeyResponse response;
    Answer out{stub.GetKey(&context, request, &response)};
    const v1::KeyInfo& key = response.key();
    out.verified = Verified(
        key.name() == "rsa-2048" && key.key_id() == rsa_key_id_ &&
            key.spki_der() == rsa_spki_ &&
            key.certificate_chain_der_size() == 2 &&
            key.certificate_chain_der(0) == rsa_certificate_ &&
            key.algorithm() == v1::KEY_ALGORITHM_RSA &&
            key.key_bits() == 2048 && key.allowed_operations_size() == 3 &&
            key.allowed_operations(0) == v1::OPERATION_SIGN_STRUCTURED &&
            key.allowed_operations(1) == v1::OPERATION_SIGN_RAW &&
            key.allowed_operations(2) == v1::OPERATION_RSA_KEY_EXCHANGE,
        key.DebugString());
    return out;
  }

  Answer SignStructured(v1::KeyService::Stub& stub,
                        const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::SignResponse response;
    Answer out{stub.Sign(&context, StructuredSign(key_id), &response)};
    out.verified = StructuredSignatureVerifies(response);
    return out;
  }

  Answer SignDigest(v1::KeyService::Stub& stub,
                    const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    constexpr v1::SignatureScheme kScheme =
        v1::SIGNATURE_SCHEME_RSA_PKCS1_SHA256;
    const std::string digest = testing::Digest(kScheme, "a raw message");
    v1::SignRequest request;
    request.mutable_key()->set_key_id(key_id);
    request.set_scheme(kScheme);
    request.set_digest(digest);
    v1::SignResponse response;
    Answer out{stub.Sign(&context, request, &response)};
    out.verified = testing::VerifyDigestSignature(kScheme, rsa_public_.get(),
                                                  digest, response.signature());
    return out;
  }

  Answer DecryptPreMaster(v1::KeyService::Stub& stub,
                          const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::DecryptPreMasterRequest request;
    request.mutable_key()->set_key_id(key_id);
    request.set_encrypted_pre_master(encrypted_pre_master_);
    request.set_client_version(kTls12);
    v1::DecryptPreMasterResponse response;
    Answer out{stub.DecryptPreMaster(&context, request, &response)};
    out.verified = Verified(response.pre_master_secret() == pre_master_ &&
                                response.key_id() == rsa_key_id_,
                            "not the encrypted pre-master secret");
    return out;
  }

  Answer RsaKeyExchange(v1::KeyService::Stub& stub,
                        const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::RsaKeyExchangeRequest request;
    request.mutable_key()->set_key_id(key_id);
    request.set_encrypted_pre_master(encrypted_pre_master_);
    request.set_client_version(kTls12);
    request.set_client_random(kClientRandom);
    request.set_server_random(kServerRandom);
    request.set_prf_hash(v1::PRF_HASH_SHA256);
    request.set_key_block_length(40);
    v1::RsaKeyExchangeResponse response;
    Answer out{stub.RsaKeyExchange(&context, request, &response)};
    // RFC 5246 §8.1 and §6.3, computed by OpenSSL from the pre-master.
    const std::string master =
        testing::OpenSslTlsPrf("SHA2-256", pre_master_, "master secret",
                               kClientRandom + kServerRandom, 48);
    const std::string key_block = testing::OpenSslTlsPrf(
        "SHA2-256", master, "key expansion", kServerRandom + kClientRandom, 40);
    out.verified = Verified(response.master_secret() == master &&
                                response.key_block() == key_block &&
                                response.key_id() == rsa_key_id_,
                            "not the master secret and key block");
    return out;
  }

  Answer DeriveSessionKeys(v1::KeyService::Stub& stub) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    const std::string master(48, 'm');
    v1::DeriveSessionKeysRequest request;
    v1::Tls12KeyBlock* tls12 = request.mutable_tls12();
    tls12->set_cipher_suite(0xC02F);  // AES-128-GCM: 16-byte keys, 4-byte IVs.
    tls12->set_master_secret(master);
    tls12->set_client_random(kClientRandom);
    tls12->set_server_random(kServerRandom);
    v1::DeriveSessionKeysResponse response;
    Answer out{stub.DeriveSessionKeys(&context, request, &response)};
    const std::string block = testing::OpenSslTlsPrf(
        "SHA2-256", master, "key expansion", kServerRandom + kClientRandom, 40);
    const v1::Tls12SessionKeys& keys = response.tls12();
    out.verified =
        Verified(response.has_tls12() && keys.client_write_mac_key().empty() &&
                     keys.server_write_mac_key().empty() &&
                     keys.client_write_key() == block.substr(0, 16) &&
                     keys.server_write_key() == block.substr(16, 16) &&
                     keys.client_write_iv() == block.substr(32, 4) &&
                     keys.server_write_iv() == block.substr(36, 4),
                 "not the TLS 1.2 key block");
    return out;
  }

  // PipelineSign sends one structured Sign on a new Pipeline stream. The
  // answer is the stream's status when it fails, else the request's.
  Answer PipelineSign(v1::KeyService::Stub& stub,
                      const std::string& key_id) const {
    grpc::ClientContext context;
    SetDeadline(&context);
    std::unique_ptr<
        grpc::ClientReaderWriter<v1::PipelineRequest, v1::PipelineResponse>>
        stream = stub.Pipeline(&context);
    v1::PipelineRequest request;
    request.set_request_id(7);
    *request.mutable_sign() = StructuredSign(key_id);
    v1::PipelineResponse response;
    const bool answered = stream->Write(request) && stream->Read(&response);
    stream->WritesDone();
    v1::PipelineResponse extra;
    const bool more = stream->Read(&extra);
    const grpc::Status finished = stream->Finish();
    if (!finished.ok()) return Answer{finished};
    Answer out{
        grpc::Status(static_cast<grpc::StatusCode>(response.status().code()),
                     response.status().message())};
    if (!answered || more || response.request_id() != 7) {
      out.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                "not exactly one answer to request 7");
    }
    out.verified = StructuredSignatureVerifies(response.sign());
    return out;
  }

  Answer Run(Operation operation, v1::KeyService::Stub& stub,
             const std::string& key_id) const {
    switch (operation) {
      case Operation::kListKeys:
        return ListKeys(stub);
      case Operation::kGetKey:
        return GetKey(stub, key_id);
      case Operation::kSignStructured:
        return SignStructured(stub, key_id);
      case Operation::kSignDigest:
        return SignDigest(stub, key_id);
      case Operation::kDecryptPreMaster:
        return DecryptPreMaster(stub, key_id);
      case Operation::kRsaKeyExchange:
        return RsaKeyExchange(stub, key_id);
      case Operation::kDeriveSessionKeys:
        return DeriveSessionKeys(stub);
      case Operation::kPipelineSign:
        return PipelineSign(stub, key_id);
    }
    return Answer{grpc::Status(grpc::StatusCode::INTERNAL, "no operation")};
  }

  client::ChannelOptions Channel(const std::string& cert_file,
                                 const std::string& key_file) const {
    client::ChannelOptions options;
    options.endpoint = absl::StrCat("127.0.0.1:", server_->port());
    options.ca_file = keystore_.ca_cert();  // The server is the real one.
    options.cert_file = cert_file;
    options.key_file = key_file;
    return options;
  }
  client::ChannelOptions IssuedChannel(const std::string& name) const {
    const std::string prefix = keystore_.dir + "/clients/" + name;
    return Channel(prefix + ".crt", prefix + ".key");
  }

  testing::DevKeystore keystore_;
  testing::DevKeystore other_ca_;
  config::ServerConfig config_;
  std::unique_ptr<testing::TestServer> server_;
  // The reference for rsa-2048, from its certificate file.
  std::string rsa_certificate_;
  std::string rsa_spki_;
  std::string rsa_key_id_;
  testing::EvpPkeyPtr rsa_public_{nullptr, EVP_PKEY_free};
  std::string pre_master_;
  std::string encrypted_pre_master_;
};

TEST_F(AccessMatrixTest, EveryOperationGivesEachClientExactlyItsOutcome) {
  const std::vector<ClientCase> clients = {
      {"untrusted CA",
       Expect::kHandshakeRefused,
       Channel(other_ca_.client_cert('a'), other_ca_.client_key('a')),
       {}},
      {"no certificate", Expect::kHandshakeRefused, Channel("", ""), {}},
      {"trusted, no name",
       Expect::kUnauthenticated,
       IssuedChannel("no-name"),
       {}},
      {"edge/b",
       Expect::kNotGranted,
       Channel(keystore_.client_cert('b'), keystore_.client_key('b')),
       {"ecdsa-p256"}},
      {"DNS SAN only",
       Expect::kNotGranted,
       IssuedChannel("dns-only"),
       {"ed25519"}},
      {"CN only",
       Expect::kNotGranted,
       IssuedChannel("cn-only"),
       {"ecdsa-p384"}},
      {"edge/a",
       Expect::kGranted,
       Channel(keystore_.client_cert('a'), keystore_.client_key('a')),
       {"rsa-2048", "rsa-3072", "ecdsa-p256", "ecdsa-p384", "ed25519"}},
  };
  int checked = 0;
  for (const ClientCase& client : clients) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        client::CreateMutualTlsChannel(client.channel);
    ASSERT_TRUE(channel.ok()) << channel.status();
    std::unique_ptr<v1::KeyService::Stub> stub =
        v1::KeyService::NewStub(*channel);
    const size_t audited_before = AuditLines();
    std::string unauthenticated_message;
    for (Operation operation : kOperations) {
      SCOPED_TRACE(absl::StrCat(client.name, ", ", OperationName(operation)));
      const Answer answer = Run(operation, *stub, rsa_key_id_);
      const grpc::StatusCode code = answer.status.error_code();
      switch (client.expect) {
        case Expect::kHandshakeRefused:
          EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE)
              << answer.status.error_message();
          break;
        case Expect::kUnauthenticated:
          EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED)
              << answer.status.error_message();
          EXPECT_NE(answer.status.error_message().find(
                        "no URI or DNS subjectAltName and no commonName"),
                    std::string::npos)
              << answer.status.error_message();
          break;
        case Expect::kNotGranted:
          if (!UsesKey(operation)) {
            ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
            EXPECT_TRUE(answer.verified);
            if (operation == Operation::kListKeys) {
              EXPECT_EQ(answer.listed, client.listed);
            }
            break;
          }
          EXPECT_EQ(code, grpc::StatusCode::NOT_FOUND)
              << answer.status.error_message();
          {
            // Indistinguishable from a key that does not exist.
            const Answer absent = Run(operation, *stub, kAbsentKeyId);
            EXPECT_EQ(absent.status.error_code(), grpc::StatusCode::NOT_FOUND);
            EXPECT_EQ(answer.status.error_message(),
                      absent.status.error_message());
            ++checked;
          }
          break;
        case Expect::kGranted:
          ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
          EXPECT_TRUE(answer.verified);
          if (operation == Operation::kListKeys) {
            EXPECT_EQ(answer.listed, client.listed);
          }
          if (UsesKey(operation)) {
            EXPECT_EQ(Run(operation, *stub, kAbsentKeyId).status.error_code(),
                      grpc::StatusCode::NOT_FOUND);
            ++checked;
          }
          break;
      }
      ++checked;
    }
    // The audit log is written before an answer leaves: a client refused
    // at the handshake never reached the service.
    if (client.expect == Expect::kHandshakeRefused) {
      EXPECT_EQ(AuditLines(), audited_before) << client.name;
    } else {
      EXPECT_GT(AuditLines(), audited_before) << client.name;
    }
  }
  std::cout << "access matrix: " << checked << " cases checked ("
            << clients.size() << " clients x " << std::size(kOperations)
            << " operations, and a missing key for each key operation of "
               "each identified client)\n";
  EXPECT_EQ(checked, 7 * 8 + 4 * 6);
}

}  // namespace
}  // namespace keyward
