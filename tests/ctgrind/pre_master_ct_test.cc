// Constant-time checks of the TLS pre-master decoding and selection, by the
// ctgrind technique: the secret inputs (the raw RSA decryption EM, and the
// synthetic pre-master derived from the rejection key) are marked undefined
// for Valgrind's memcheck, which then reports every conditional jump or move
// that depends on them and every memory access they index. Our code is fed
// the EM buffer directly; OpenSSL's RSA and HKDF are not under test here.
//
// Run natively, the Valgrind client requests do nothing and the tests only
// check results. valgrind_ct_test.sh runs the `PreMasterConstantTime` suite
// under memcheck and requires no report, and each `Control` test, which
// leaks on purpose, and requires its report: proof that the harness can fail.
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "keystore/internal/pkcs1_pre_master.h"
#include "keystore/internal/pkcs1_type2.h"

namespace keyward::keystore::internal {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr size_t kTrue = ~size_t{0};
constexpr uint16_t kTls12 = 0x0303;

// Secret marks `bytes` undefined: from here on memcheck tracks every value
// computed from them.
void Secret(absl::Span<const uint8_t> bytes) {
  VALGRIND_MAKE_MEM_UNDEFINED(bytes.data(), bytes.size());
}

// Declassify marks `value` defined again, once the code under test is done.
template <typename T>
void Declassify(const T& value) {
  VALGRIND_MAKE_MEM_DEFINED(&value, sizeof(value));
}
void DeclassifyBytes(absl::Span<const uint8_t> bytes) {
  VALGRIND_MAKE_MEM_DEFINED(bytes.data(), bytes.size());
}

struct Case {
  std::string name;
  Bytes em;
  uint16_t version;
};

// Encode returns the k-byte type 2 encoding of `message`, PS nonzero.
Bytes Encode(size_t k, const Bytes& message) {
  Bytes em = {0x00, 0x02};
  while (em.size() < k - message.size() - 1) {
    em.push_back(static_cast<uint8_t>(1 + em.size() % 255));
  }
  em.push_back(0x00);
  em.insert(em.end(), message.begin(), message.end());
  return em;
}

Bytes PreMaster(uint16_t version, size_t length) {
  Bytes message(length, 0x3c);
  message[0] = static_cast<uint8_t>(version >> 8);
  message[1] = static_cast<uint8_t>(version & 0xff);
  return message;
}

// kCaseCount is the number of cases Cases() returns: 23 per modulus length
// (21 for k=59, too short for the two 49-byte messages) and 20 random ones.
// Of the constructed cases, kConstructedValidEncodings are valid PKCS #1
// v1.5 encodings of some message: 10 per modulus length (8 for k=59).
constexpr int kCaseCount = 3 * 23 - 2 + 20;
constexpr int kConstructedValidEncodings = 3 * 10 - 2;

// Cases covers every way the check can succeed or fail, for a 2048-bit and
// a 4096-bit modulus and the shortest modulus that can hold a pre-master,
// plus pseudo-random EMs (a fixed seed, so runs are repeatable).
std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (size_t k : {59, 256, 512}) {
    const std::string at = " (k=" + std::to_string(k) + ")";
    const Bytes valid = Encode(k, PreMaster(kTls12, 48));
    cases.push_back({"valid" + at, valid, kTls12});
    cases.push_back(
        {"valid TLS 1.0" + at, Encode(k, PreMaster(0x0301, 48)), 0x0301});
    cases.push_back({"wrong major version" + at, valid, 0x0203});
    cases.push_back({"wrong minor version" + at, valid, 0x0302});
    for (size_t length : {0, 2, 47, 49}) {
      if (length + 11 > k) continue;
      Bytes message(length, 0x3c);
      if (length >= 2) message = PreMaster(kTls12, length);
      cases.push_back({"message of " + std::to_string(length) + at,
                       Encode(k, message), kTls12});
    }
    // A wrong leading byte, or a zero that leaves PS shorter than 8 bytes.
    for (size_t index = 0; index < 10; ++index) {
      Bytes em = valid;
      if (index < 2) {
        em[index] ^= 0x01;
      } else {
        em[index] = 0x00;
      }
      cases.push_back({"byte " + std::to_string(index) + at, em, kTls12});
    }
    // Wrong lengths with the version bytes where a 48-byte message starts.
    if (k >= 60) {
      Bytes longer = {0x55};
      longer.insert(longer.end(), valid.end() - kPreMasterLength, valid.end());
      cases.push_back(
          {"49 bytes ending in a pre-master" + at, Encode(k, longer), kTls12});
    }
    cases.push_back(
        {"47 bytes, version 0x0003" + at, Encode(k, Bytes(47, 0x03)), 0x0003});
    Bytes no_separator = valid;
    no_separator[k - 49] = 0xff;
    cases.push_back({"no separator" + at, no_separator, kTls12});
    cases.push_back({"all zeros" + at, Bytes(k, 0x00), kTls12});
    cases.push_back({"all ones" + at, Bytes(k, 0xff), kTls12});
  }
  std::mt19937 random(20240601);
  for (int i = 0; i < 20; ++i) {
    Bytes em(256);
    for (uint8_t& byte : em) byte = static_cast<uint8_t>(random());
    if (i % 2 == 0) {  // half of them with a valid header
      em[0] = 0x00;
      em[1] = 0x02;
    }
    cases.push_back({"random " + std::to_string(i), em, kTls12});
  }
  return cases;
}

// ReferenceOffset is a plain, branching decoder (RFC 8017 §7.2.2 step 3),
// applied to declassified data to judge the results: M's offset, or
// std::nullopt for an invalid encoding.
std::optional<size_t> ReferenceOffset(const Bytes& em) {
  if (em.size() < 11 || em[0] != 0x00 || em[1] != 0x02) return std::nullopt;
  size_t separator = 2;
  while (separator < em.size() && em[separator] != 0x00) ++separator;
  if (separator == em.size() || separator < 10) return std::nullopt;
  return separator + 1;
}

bool ReferencePreMasterValid(const Bytes& em, uint16_t version) {
  const size_t start = em.size() - kPreMasterLength;
  return ReferenceOffset(em) == start && em[start] == (version >> 8) &&
         em[start + 1] == (version & 0xff);
}

TEST(PreMasterConstantTime, SelectionDoesNotBranchOnTheSecret) {
  const Bytes expected_synthetic(kPreMasterLength, 0xd5);
  int valid = 0;
  int invalid = 0;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Bytes em = c.em;
    Bytes synthetic(kPreMasterLength, 0xd5);
    Bytes out(kPreMasterLength);
    Secret(em);
    Secret(synthetic);
    SelectPkcs1PreMaster(em, c.version, synthetic, absl::MakeSpan(out));
    const size_t mask = Pkcs1PreMasterMask(em, c.version);
    DeclassifyBytes(out);
    Declassify(mask);
    DeclassifyBytes(em);
    DeclassifyBytes(synthetic);

    const bool expected = ReferencePreMasterValid(c.em, c.version);
    EXPECT_EQ(mask, expected ? kTrue : 0);
    EXPECT_EQ(out, expected ? Bytes(c.em.end() - kPreMasterLength, c.em.end())
                            : expected_synthetic);
    if (expected) {
      ++valid;
    } else {
      ++invalid;
    }
  }
  // Both outcomes were exercised: two valid cases per modulus length.
  EXPECT_EQ(valid, 6);
  EXPECT_EQ(invalid, kCaseCount - 6);
}

TEST(PreMasterConstantTime, GeneralDecoderDoesNotBranchOnTheSecret) {
  int good = 0;
  int checked = 0;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Bytes em = c.em;
    Secret(em);
    const Pkcs1Type2Decoding decoding = DecodePkcs1Type2(em);
    Declassify(decoding);
    DeclassifyBytes(em);

    const std::optional<size_t> expected = ReferenceOffset(c.em);
    EXPECT_EQ(decoding.good, expected.has_value() ? kTrue : 0);
    if (expected.has_value()) {
      EXPECT_EQ(decoding.message_offset, *expected);
      ++good;
    }
    ++checked;
  }
  EXPECT_EQ(checked, kCaseCount);
  EXPECT_GE(good, kConstructedValidEncodings);
  EXPECT_LT(good, checked);
}

// Deliberate leaks, for the harness's own test. Never use this pattern.
volatile int leak_sink = 0;

// LeakyBranchOnFirstByte branches on em[0]; the volatile store keeps the
// compiler from turning the branch into arithmetic.
__attribute__((noinline)) void LeakyBranchOnFirstByte(
    absl::Span<const uint8_t> em) {
  if (em[0] == 0x00) leak_sink = 1;
}

// LeakyLookupByFirstByte reads a table at an index taken from em[0].
__attribute__((noinline)) uint8_t LeakyLookupByFirstByte(
    absl::Span<const uint8_t> em, const Bytes& table) {
  return table[em[0]];
}

TEST(Control, BranchOnTheSecretIsReported) {
  Bytes em = Encode(256, PreMaster(kTls12, 48));
  Secret(em);
  LeakyBranchOnFirstByte(em);
  DeclassifyBytes(em);
  EXPECT_EQ(leak_sink, 1);
}

TEST(Control, IndexByTheSecretIsReported) {
  Bytes table(256);
  for (size_t i = 0; i < table.size(); ++i) table[i] = static_cast<uint8_t>(i);
  Bytes em = Encode(256, PreMaster(kTls12, 48));
  em[0] = 0x2a;
  Secret(em);
  uint8_t value = LeakyLookupByFirstByte(em, table);
  Declassify(value);
  DeclassifyBytes(em);
  EXPECT_EQ(value, 0x2a);
}

// kSanitizer names the sanitizer this binary was built with: Valgrind cannot
// run AddressSanitizer or ThreadSanitizer binaries.
#if defined(__SANITIZE_ADDRESS__)
constexpr char kSanitizer[] = "AddressSanitizer";
#elif defined(__SANITIZE_THREAD__)
constexpr char kSanitizer[] = "ThreadSanitizer";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr char kSanitizer[] = "AddressSanitizer";
#elif __has_feature(thread_sanitizer)
constexpr char kSanitizer[] = "ThreadSanitizer";
#else
constexpr char kSanitizer[] = "";
#endif
#else
constexpr char kSanitizer[] = "";
#endif

}  // namespace
}  // namespace keyward::keystore::internal

// main: `--print_sanitizer` prints the sanitizer this binary was built with
// (an empty line for none) for valgrind_ct_test.sh. With
// KEYWARD_CTGRIND_REQUIRE_VALGRIND=1 the binary refuses to run outside
// Valgrind, so a harness that forgot Valgrind cannot pass.
int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--print_sanitizer") {
    std::puts(keyward::keystore::internal::kSanitizer);
    return 0;
  }
  const char* require = std::getenv("KEYWARD_CTGRIND_REQUIRE_VALGRIND");
  if (require != nullptr && std::string(require) == "1" &&
      RUNNING_ON_VALGRIND == 0) {
    std::fprintf(stderr, "not running under Valgrind\n");
    return 2;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
