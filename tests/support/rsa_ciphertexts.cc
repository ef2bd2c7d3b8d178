#include "tests/support/rsa_ciphertexts.h"

#include <openssl/rsa.h>

#include <memory>

#include "gtest/gtest.h"

namespace keyward::testing {
namespace {

using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

std::string Encrypt(EVP_PKEY* public_key, absl::string_view input,
                    int padding) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(public_key, nullptr), EVP_PKEY_CTX_free);
  size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (ctx == nullptr || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &length, in, input.size()) != 1) {
    ADD_FAILURE() << "cannot set up RSA encryption";
    return "";
  }
  std::string out(length, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                       &length, in, input.size()) != 1) {
    ADD_FAILURE() << "RSA encryption failed";
    return "";
  }
  out.resize(length);
  return out;
}

}  // namespace

size_t ModulusLength(EVP_PKEY* public_key) {
  return static_cast<size_t>(EVP_PKEY_get_size(public_key));
}

std::string PreMaster(uint16_t client_version, char fill) {
  std::string out = {static_cast<char>(client_version >> 8),
                     static_cast<char>(client_version & 0xff)};
  out.append(46, fill);
  return out;
}

std::string EncryptPkcs1(EVP_PKEY* public_key, absl::string_view message) {
  return Encrypt(public_key, message, RSA_PKCS1_PADDING);
}

std::string EncodedMessage(size_t modulus_length, absl::string_view message,
                           uint8_t first, uint8_t block_type) {
  if (message.size() + 3 > modulus_length) return "";
  std::string out = {static_cast<char>(first), static_cast<char>(block_type)};
  out.append(modulus_length - 3 - message.size(), '\xa5');
  out.push_back('\0');
  out.append(message.data(), message.size());
  return out;
}

std::string EncryptRaw(EVP_PKEY* public_key, absl::string_view em) {
  return Encrypt(public_key, em, RSA_NO_PADDING);
}

}  // namespace keyward::testing
