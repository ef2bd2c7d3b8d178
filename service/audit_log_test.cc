#include "service/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace keyward::service {
namespace {

using ::testing::HasSubstr;

OperationRecord SampleRecord() {
  OperationRecord record;
  record.time = absl::FromCivil(absl::CivilSecond(2026, 11, 27, 16, 5, 1),
                                absl::UTCTimeZone()) +
                absl::Microseconds(123456) + absl::Nanoseconds(789);
  record.latency = absl::Microseconds(1234) + absl::Nanoseconds(999);
  record.identity = "spiffe://example.org/edge/7";
  record.peer = "ipv4:127.0.0.1:40312";
  record.request_id = "req-42";
  record.operation = "Sign";
  record.pipelined = true;
  record.key_id = "ecdsa-p256";
  record.scheme = "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256";
  record.outcome = absl::StatusCode::kResourceExhausted;
  return record;
}

// ParseLine parses one audit line, without its "\n"; discarded on error.
nlohmann::json ParseLine(const std::string& line) {
  return nlohmann::json::parse(line, /*cb=*/nullptr,
                               /*allow_exceptions=*/false);
}

// ExpectOneAsciiLine checks that `line` is printable ASCII ending in its
// only "\n".
void ExpectOneAsciiLine(const std::string& line) {
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "byte " << i << " is " << int{c};
  }
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::vector<std::string> Lines(const std::string& contents) {
  std::vector<std::string> lines = absl::StrSplit(contents, '\n');
  EXPECT_EQ(lines.back(), "") << "the contents do not end with a newline";
  lines.pop_back();
  return lines;
}

config::AuditConfig FileConfig(const std::string& path) {
  config::AuditConfig config;
  config.set_path(path);
  return config;
}

TEST(AuditLineTest, HasEveryFieldWithItsValue) {
  const std::string line = AuditLine(SampleRecord());
  ExpectOneAsciiLine(line);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_TRUE(parsed.is_object()) << line;
  EXPECT_EQ(parsed.size(), 10u);
  EXPECT_EQ(parsed.at("time"), "2026-11-27T16:05:01.123456Z");
  EXPECT_EQ(parsed.at("identity"), "spiffe://example.org/edge/7");
  EXPECT_EQ(parsed.at("peer"), "ipv4:127.0.0.1:40312");
  EXPECT_EQ(parsed.at("request_id"), "req-42");
  EXPECT_EQ(parsed.at("operation"), "Sign");
  EXPECT_EQ(parsed.at("pipelined"), true);
  EXPECT_EQ(parsed.at("key_id"), "ecdsa-p256");
  EXPECT_EQ(parsed.at("scheme"), "SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256");
  EXPECT_EQ(parsed.at("outcome"), "RESOURCE_EXHAUSTED");
  EXPECT_TRUE(parsed.at("latency_us").is_number_integer());
  EXPECT_EQ(parsed.at("latency_us"), 1234);
  // "time" leads, for people reading the file.
  EXPECT_EQ(line.rfind("{\"time\":\"2026-11-27T16:05:01.123456Z\",", 0), 0u)
      << line;
}

TEST(AuditLineTest, OrdinaryRecordIsExactlyThisLine) {
  EXPECT_EQ(AuditLine(SampleRecord()),
            "{\"time\":\"2026-11-27T16:05:01.123456Z\","
            "\"identity\":\"spiffe://example.org/edge/7\","
            "\"peer\":\"ipv4:127.0.0.1:40312\",\"request_id\":\"req-42\","
            "\"operation\":\"Sign\",\"pipelined\":true,"
            "\"key_id\":\"ecdsa-p256\","
            "\"scheme\":\"SIGNATURE_SCHEME_ECDSA_SECP256R1_SHA256\","
            "\"outcome\":\"RESOURCE_EXHAUSTED\",\"latency_us\":1234}\n");
}

TEST(AuditLineTest, EveryStringFieldIsEscaped) {
  OperationRecord record;
  record.identity = "i\"";
  record.peer = "p\\";
  record.request_id = "r\x01";
  record.operation = "o\x7f";
  record.key_id = "k\xc3\xa9";
  record.scheme = "s\xff";
  const std::string line = AuditLine(record);
  ExpectOneAsciiLine(line);
  EXPECT_THAT(line, HasSubstr("\"identity\":\"i\\\"\""));
  EXPECT_THAT(line, HasSubstr("\"peer\":\"p\\\\\""));
  EXPECT_THAT(line, HasSubstr("\"request_id\":\"r\\u0001\""));
  EXPECT_THAT(line, HasSubstr("\"operation\":\"o\\u007f\""));
  EXPECT_THAT(line, HasSubstr("\"key_id\":\"k\\u00e9\""));
  EXPECT_THAT(line, HasSubstr("\"scheme\":\"s\\ufffd\""));
}

TEST(AuditLineTest, UnsetFieldsAreEmptyStrings) {
  OperationRecord record;
  record.operation = "ListKeys";
  record.outcome = absl::StatusCode::kNotFound;
  const nlohmann::json parsed = ParseLine(AuditLine(record));
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed.at("time"), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(parsed.at("identity"), "");
  EXPECT_EQ(parsed.at("peer"), "");
  EXPECT_EQ(parsed.at("request_id"), "");
  EXPECT_EQ(parsed.at("pipelined"), false);
  EXPECT_EQ(parsed.at("key_id"), "");
  EXPECT_EQ(parsed.at("scheme"), "");
  EXPECT_EQ(parsed.at("outcome"), "NOT_FOUND");
  EXPECT_EQ(parsed.at("latency_us"), 0);
}

TEST(AuditLineTest, OutcomeIsTheCanonicalCodeName) {
  OperationRecord record;
  record.outcome = absl::StatusCode::kOk;
  EXPECT_EQ(ParseLine(AuditLine(record)).at("outcome"), "OK");
  record.outcome = absl::StatusCode::kPermissionDenied;
  EXPECT_EQ(ParseLine(AuditLine(record)).at("outcome"), "PERMISSION_DENIED");
  record.outcome = absl::StatusCode::kUnauthenticated;
  EXPECT_EQ(ParseLine(AuditLine(record)).at("outcome"), "UNAUTHENTICATED");
}

TEST(AuditLineTest, HostileStringsStayOneParseableLine) {
  OperationRecord record = SampleRecord();
  // Quotes, backslash, newlines, a terminal escape, DEL, U+2028 (a line
  // separator to some readers), then invalid UTF-8: a lone continuation
  // byte, a lead byte followed by ASCII, 0xff, and a truncated sequence.
  record.request_id =
      "a\"b\\c\nd\r\te\x1b[2Jf\x7f\xe2\x80\xa8g\x80h\xc3(i\xff"
      "j\xe2\x82";
  record.peer = std::string("ipv4:\0\n1.2.3.4:5", 16);
  const std::string line = AuditLine(record);
  ExpectOneAsciiLine(line);
  const nlohmann::json parsed = ParseLine(line);
  ASSERT_TRUE(parsed.is_object()) << line;
  EXPECT_EQ(parsed.at("request_id"),
            "a\"b\\c\nd\r\te\x1b[2Jf\x7f\xe2\x80\xa8g\xef\xbf\xbdh\xef\xbf\xbd("
            "i\xef\xbf\xbdj\xef\xbf\xbd");
  EXPECT_EQ(parsed.at("peer"), std::string("ipv4:\0\n1.2.3.4:5", 16));
  // The other fields are untouched.
  EXPECT_EQ(parsed.at("identity"), "spiffe://example.org/edge/7");
  EXPECT_EQ(parsed.at("latency_us"), 1234);
}

TEST(AuditLogTest, AppendsLinesToAFileCreatedWithMode0600) {
  const std::string path = TempPath("append.log");
  unlink(path.c_str());
  {
    absl::StatusOr<std::unique_ptr<AuditLog>> log =
        AuditLog::Open(FileConfig(path));
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_FALSE((*log)->fail_closed());
    ASSERT_TRUE((*log)->Write(SampleRecord()).ok());
  }
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  // A second AuditLog appends after the first one's line.
  OperationRecord second = SampleRecord();
  second.request_id = "req-43";
  {
    absl::StatusOr<std::unique_ptr<AuditLog>> log =
        AuditLog::Open(FileConfig(path));
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Write(second).ok());
  }
  EXPECT_EQ(ReadFile(path),
            absl::StrCat(AuditLine(SampleRecord()), AuditLine(second)));
}

TEST(AuditLogTest, KeepsWhatTheFileAlreadyHolds) {
  const std::string path = TempPath("existing.log");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "earlier line\n";
  }
  absl::StatusOr<std::unique_ptr<AuditLog>> log =
      AuditLog::Open(FileConfig(path));
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Write(SampleRecord()).ok());
  EXPECT_EQ(ReadFile(path),
            absl::StrCat("earlier line\n", AuditLine(SampleRecord())));
}

TEST(AuditLogTest, ConcurrentWritesGiveWholeLines) {
  const std::string path = TempPath("concurrent.log");
  unlink(path.c_str());
  absl::StatusOr<std::unique_ptr<AuditLog>> log =
      AuditLog::Open(FileConfig(path));
  ASSERT_TRUE(log.ok()) << log.status();
  AuditLog& audit = **log;

  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 200;
  // Long lines make a torn or interleaved write likely to show.
  const std::string padding(3000, 'x');
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&audit, &padding, &failures, t] {
      OperationRecord record = SampleRecord();
      for (int i = 0; i < kWritesPerThread; ++i) {
        record.request_id = absl::StrCat(t, "/", i, "/", padding);
        if (!audit.Write(record).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << t;

  const std::vector<std::string> lines = Lines(ReadFile(path));
  ASSERT_EQ(lines.size(), size_t{kThreads * kWritesPerThread});
  std::set<std::string> request_ids;
  for (const std::string& line : lines) {
    const nlohmann::json parsed = ParseLine(line);
    ASSERT_TRUE(parsed.is_object()) << line.substr(0, 200);
    request_ids.insert(parsed.at("request_id").get<std::string>());
  }
  std::set<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesPerThread; ++i) {
      expected.insert(absl::StrCat(t, "/", i, "/", padding));
    }
  }
  EXPECT_TRUE(request_ids == expected);
}

TEST(AuditLogTest, WriteFailureIsUnavailableNamingTheSink) {
  config::AuditConfig config = FileConfig("/dev/full");
  config.set_fail_closed(true);
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(config);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->fail_closed());
  const absl::Status status = (*log)->Write(SampleRecord());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("/dev/full"));
  EXPECT_THAT(std::string(status.message()), HasSubstr(std::strerror(ENOSPC)));
}

TEST(AuditLogTest, OpenFailureNamesThePath) {
  const std::string path = TempPath("no-such-directory/audit.log");
  absl::StatusOr<std::unique_ptr<AuditLog>> log =
      AuditLog::Open(FileConfig(path));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition)
      << log.status();
  EXPECT_THAT(std::string(log.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr(std::strerror(ENOENT)));
}

TEST(AuditLogTest, EmptyPathAndDashMeanStandardError) {
  for (const char* path : {"", "-"}) {
    absl::StatusOr<std::unique_ptr<AuditLog>> log =
        AuditLog::Open(FileConfig(path));
    ASSERT_TRUE(log.ok()) << log.status();
    // The file "-" is not created.
    EXPECT_NE(access("-", F_OK), 0);
    EXPECT_TRUE((*log)->Write(SampleRecord()).ok()) << path;
  }
  // Standard error is not closed with the AuditLog.
  EXPECT_NE(fcntl(STDERR_FILENO, F_GETFD), -1);
}

}  // namespace
}  // namespace keyward::service
