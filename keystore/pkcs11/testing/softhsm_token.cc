#include "keystore/pkcs11/testing/softhsm_token.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <p11-kit/pkcs11.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/module.h"
#include "keystore/pkcs11/return_value.h"
#include "keystore/pkcs11/uri.h"

namespace keyward::keystore::pkcs11::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kSoPin[] = "so-pin-1234";

std::string TokenDirectory() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp == nullptr ? "/tmp" : tmp, "/softhsm/tokens");
}

// Configure writes the SoftHSM configuration once per process, before the
// module is first loaded.
absl::Status Configure() {
  static const absl::Status* const done = [] {
    const std::string tokens = TokenDirectory();
    const std::string conf = fs::path(tokens).parent_path() / "softhsm2.conf";
    std::error_code error;
    fs::remove_all(tokens, error);
    fs::create_directories(tokens, error);
    if (error) {
      return new absl::Status(absl::InternalError(
          absl::StrCat("cannot create ", tokens, ": ", error.message())));
    }
    std::ofstream out(conf);
    out << "directories.tokendir = " << tokens << "\n"
        << "objectstore.backend = file\n"
        << "log.level = ERROR\n";
    out.close();
    if (!out) {
      return new absl::Status(
          absl::InternalError(absl::StrCat("cannot write ", conf)));
    }
    setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    return new absl::Status();
  }();
  return *done;
}

absl::StatusOr<CK_FUNCTION_LIST*> Functions() {
  if (absl::Status status = Configure(); !status.ok()) return status;
  absl::StatusOr<std::shared_ptr<const Module>> module =
      Module::Load(kSoftHsmModule);
  if (!module.ok()) return module.status();
  return (*module)->functions();
}

absl::Status Check(absl::string_view call, CK_RV rv) {
  if (rv == CKR_OK) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(call, ": ", ReturnValueName(rv)));
}

// FindSlot returns the slot whose token is labelled `label`, or (for an
// empty label) one with an uninitialised token.
absl::StatusOr<CK_SLOT_ID> FindSlot(CK_FUNCTION_LIST* f,
                                    const std::string& label) {
  CK_ULONG count = 0;
  if (absl::Status s =
          Check("C_GetSlotList", f->C_GetSlotList(CK_TRUE, nullptr, &count));
      !s.ok()) {
    return s;
  }
  std::vector<CK_SLOT_ID> slots(count);
  if (absl::Status s = Check("C_GetSlotList",
                             f->C_GetSlotList(CK_TRUE, slots.data(), &count));
      !s.ok()) {
    return s;
  }
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    const bool initialized = (info.flags & CKF_TOKEN_INITIALIZED) != 0;
    if (label.empty() ? !initialized
                      : initialized && TokenLabelOf(info) == label) {
      return slot;
    }
  }
  return absl::NotFoundError(absl::StrCat("no slot for token \"", label, "\""));
}

// UserSession opens a read-write session on the token and logs the user in.
absl::StatusOr<CK_SESSION_HANDLE> UserSession(CK_FUNCTION_LIST* f,
                                              const std::string& label,
                                              const std::string& pin) {
  absl::StatusOr<CK_SLOT_ID> slot = FindSlot(f, label);
  if (!slot.ok()) return slot.status();
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (absl::Status s =
          Check("C_OpenSession",
                f->C_OpenSession(*slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                                 nullptr, nullptr, &session));
      !s.ok()) {
    return s;
  }
  CK_RV rv =
      f->C_Login(session, CKU_USER,
                 reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data())),
                 pin.size());
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    f->C_CloseSession(session);
    return Check("C_Login", rv);
  }
  return session;
}

std::string BigEndian(const EVP_PKEY* key, const char* name, size_t length) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return "";
  std::string out(length == 0 ? BN_num_bytes(bn) : length, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(&out[0]), out.size());
  BN_clear_free(bn);
  return out;
}

CK_ATTRIBUTE Attribute(CK_ATTRIBUTE_TYPE type, const std::string& value) {
  return {type, const_cast<char*>(value.data()), value.size()};
}

}  // namespace

absl::StatusOr<SoftHsmToken> SoftHsmToken::Create(const std::string& label,
                                                  const std::string& pin) {
  absl::StatusOr<CK_FUNCTION_LIST*> f = Functions();
  if (!f.ok()) return f.status();
  absl::StatusOr<CK_SLOT_ID> slot = FindSlot(*f, "");
  if (!slot.ok()) return slot.status();
  std::set<fs::path> before;
  for (const auto& entry : fs::directory_iterator(TokenDirectory())) {
    before.insert(entry.path());
  }
  std::string padded = label;
  padded.resize(32, ' ');
  if (absl::Status s = Check(
          "C_InitToken",
          (*f)->C_InitToken(
              *slot, reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kSoPin)),
              sizeof(kSoPin) - 1, reinterpret_cast<CK_UTF8CHAR*>(&padded[0])));
      !s.ok()) {
    return s;
  }
  std::string directory;
  for (const auto& entry : fs::directory_iterator(TokenDirectory())) {
    if (before.count(entry.path()) == 0) directory = entry.path();
  }
  if (directory.empty()) {
    return absl::InternalError("C_InitToken made no token directory");
  }
  // The SO sets the user PIN.
  absl::StatusOr<CK_SLOT_ID> initialized = FindSlot(*f, label);
  if (!initialized.ok()) return initialized.status();
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (absl::Status s = Check(
          "C_OpenSession",
          (*f)->C_OpenSession(*initialized, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                              nullptr, nullptr, &session));
      !s.ok()) {
    return s;
  }
  absl::Status status = Check(
      "C_Login(SO)",
      (*f)->C_Login(session, CKU_SO,
                    reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(kSoPin)),
                    sizeof(kSoPin) - 1));
  if (status.ok()) {
    status =
        Check("C_InitPIN", (*f)->C_InitPIN(session,
                                           reinterpret_cast<CK_UTF8CHAR*>(
                                               const_cast<char*>(pin.data())),
                                           pin.size()));
  }
  (*f)->C_CloseSession(session);  // the last session: logs the SO out
  if (!status.ok()) return status;
  return SoftHsmToken(label, pin, directory);
}

absl::Status SoftHsmToken::ImportKey(EVP_PKEY* key, absl::string_view label,
                                     absl::string_view id) const {
  absl::StatusOr<CK_FUNCTION_LIST*> f = Functions();
  if (!f.ok()) return f.status();
  CK_OBJECT_CLASS object_class = CKO_PRIVATE_KEY;
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  CK_KEY_TYPE key_type = CKK_RSA;
  const std::string label_value(label);
  const std::string id_value(id);
  std::deque<std::string> values;  // keeps the attribute values in place
  std::vector<CK_ATTRIBUTE> attributes = {
      {CKA_CLASS, &object_class, sizeof(object_class)},
      {CKA_KEY_TYPE, &key_type, sizeof(key_type)},
      {CKA_TOKEN, &yes, sizeof(yes)},
      {CKA_PRIVATE, &yes, sizeof(yes)},
      {CKA_SENSITIVE, &yes, sizeof(yes)},
      {CKA_EXTRACTABLE, &no, sizeof(no)},
      {CKA_SIGN, &yes, sizeof(yes)},
      Attribute(CKA_LABEL, label_value),
      Attribute(CKA_ID, id_value),
  };
  const auto add = [&](CK_ATTRIBUTE_TYPE type, std::string value) {
    values.push_back(std::move(value));
    attributes.push_back(Attribute(type, values.back()));
  };
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      attributes.push_back({CKA_DECRYPT, &yes, sizeof(yes)});
      add(CKA_MODULUS, BigEndian(key, OSSL_PKEY_PARAM_RSA_N, 0));
      add(CKA_PUBLIC_EXPONENT, BigEndian(key, OSSL_PKEY_PARAM_RSA_E, 0));
      add(CKA_PRIVATE_EXPONENT, BigEndian(key, OSSL_PKEY_PARAM_RSA_D, 0));
      add(CKA_PRIME_1, BigEndian(key, OSSL_PKEY_PARAM_RSA_FACTOR1, 0));
      add(CKA_PRIME_2, BigEndian(key, OSSL_PKEY_PARAM_RSA_FACTOR2, 0));
      add(CKA_EXPONENT_1, BigEndian(key, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0));
      add(CKA_EXPONENT_2, BigEndian(key, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0));
      add(CKA_COEFFICIENT, BigEndian(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0));
      break;
    case EVP_PKEY_EC: {
      key_type = CKK_EC;
      const int bits = EVP_PKEY_get_bits(key);
      // DER OBJECT IDENTIFIERs of prime256v1 and secp384r1.
      add(CKA_EC_PARAMS, bits == 256 ? std::string("\x06\x08\x2a\x86\x48\xce"
                                                   "\x3d\x03\x01\x07",
                                                   10)
                                     : std::string("\x06\x05\x2b\x81\x04\x00"
                                                   "\x22",
                                                   7));
      add(CKA_VALUE, BigEndian(key, OSSL_PKEY_PARAM_PRIV_KEY, (bits + 7) / 8));
      break;
    }
    case EVP_PKEY_ED25519: {
      key_type = CKK_EC_EDWARDS;
      std::string seed(32, '\0');
      size_t length = seed.size();
      if (EVP_PKEY_get_raw_private_key(
              key, reinterpret_cast<unsigned char*>(&seed[0]), &length) != 1) {
        return absl::InternalError("EVP_PKEY_get_raw_private_key");
      }
      add(CKA_EC_PARAMS, std::string("\x06\x03\x2b\x65\x70", 5));  // id-Ed25519
      add(CKA_VALUE, seed);
      break;
    }
    default:
      return absl::InvalidArgumentError("unsupported key type");
  }
  absl::StatusOr<CK_SESSION_HANDLE> session = UserSession(*f, label_, pin_);
  if (!session.ok()) return session.status();
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  const CK_RV rv = (*f)->C_CreateObject(*session, attributes.data(),
                                        attributes.size(), &object);
  (*f)->C_CloseSession(*session);
  return Check("C_CreateObject(private key)", rv);
}

absl::Status SoftHsmToken::ImportCertificate(X509* certificate,
                                             absl::string_view label,
                                             absl::string_view id) const {
  absl::StatusOr<CK_FUNCTION_LIST*> f = Functions();
  if (!f.ok()) return f.status();
  unsigned char* der = nullptr;
  const int der_length = i2d_X509(certificate, &der);
  unsigned char* subject = nullptr;
  const int subject_length =
      i2d_X509_NAME(X509_get_subject_name(certificate), &subject);
  if (der_length <= 0 || subject_length <= 0) {
    OPENSSL_free(der);
    OPENSSL_free(subject);
    return absl::InternalError("i2d_X509");
  }
  const std::string value(reinterpret_cast<char*>(der), der_length);
  const std::string subject_value(reinterpret_cast<char*>(subject),
                                  subject_length);
  OPENSSL_free(der);
  OPENSSL_free(subject);
  CK_OBJECT_CLASS object_class = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE certificate_type = CKC_X_509;
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  const std::string label_value(label);
  const std::string id_value(id);
  CK_ATTRIBUTE attributes[] = {
      {CKA_CLASS, &object_class, sizeof(object_class)},
      {CKA_CERTIFICATE_TYPE, &certificate_type, sizeof(certificate_type)},
      {CKA_TOKEN, &yes, sizeof(yes)},
      {CKA_PRIVATE, &no, sizeof(no)},
      Attribute(CKA_LABEL, label_value),
      Attribute(CKA_ID, id_value),
      Attribute(CKA_SUBJECT, subject_value),
      Attribute(CKA_VALUE, value),
  };
  absl::StatusOr<CK_SESSION_HANDLE> session = UserSession(*f, label_, pin_);
  if (!session.ok()) return session.status();
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  const CK_RV rv =
      (*f)->C_CreateObject(*session, attributes,
                           sizeof(attributes) / sizeof(attributes[0]), &object);
  (*f)->C_CloseSession(*session);
  return Check("C_CreateObject(certificate)", rv);
}

// SoftHSM reads the token list only when the module is initialised, and it
// never takes back an object whose file once disappeared; a token directory
// that is moved away stays unusable for the process even when it returns.
// What it does handle at run time is objects vanishing and new objects
// appearing. So the token is "wiped" (as by a reset or a pulled and
// re-provisioned HSM) by deleting every object file but the token's own
// (token.object: label and PINs), and "comes back" when the same keys are
// imported again: new objects with the same labels and ids.
absl::Status SoftHsmToken::Wipe() const {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename();
    if (name.rfind("token.", 0) == 0) continue;
    fs::remove(entry.path(), error);
    if (error) break;
  }
  if (error) return absl::InternalError(error.message());
  return absl::OkStatus();
}

absl::Status SoftHsmToken::Remove() const {
  std::error_code error;
  fs::remove_all(directory_, error);
  if (error) return absl::InternalError(error.message());
  return absl::OkStatus();
}

absl::Status SoftHsmToken::Reset() const {
  absl::StatusOr<CK_FUNCTION_LIST*> f = Functions();
  if (!f.ok()) return f.status();
  absl::StatusOr<CK_SLOT_ID> slot = FindSlot(*f, label_);
  if (!slot.ok()) return slot.status();
  return Check("C_CloseAllSessions", (*f)->C_CloseAllSessions(*slot));
}

std::string SoftHsmToken::KeyUri(absl::string_view object) const {
  return absl::StrCat("pkcs11:token=", label_, ";object=", object);
}

}  // namespace keyward::keystore::pkcs11::testing
