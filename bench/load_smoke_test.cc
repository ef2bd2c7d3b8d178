// Runs bench/load end to end for about a second with tiny settings: it
// generates a dev keystore per backend (files, and a SoftHSM2 token),
// starts a keyward_server child for each, drives a sign and an RSA key
// exchange over asynchronous and blocking unary calls and a Pipeline
// stream, and writes its reports. Checks that every point did work without
// failures and that the figures are consistent.
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/runfiles.h"
#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

TEST(LoadSmokeTest, RunsEveryPointWithoutFailures) {
  const std::string load = RunfilePath("bench/load");
  ASSERT_FALSE(load.empty()) << "bench/load is not among the runfiles";
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const std::string json_path = tmp + "/load.json";
  const std::string markdown_path = tmp + "/load.md";
  const std::string command = absl::StrCat(
      "'", load, "'",
      " --operations=sign:ecdsa-p256,rsa-key-exchange:rsa-2048,"
      "sign:rsa-2048:rsa_pkcs1_sha384",
      " --backends=file,pkcs11",
      " --transports=unary,stream,blocking --in_flight=2 --streams=1",
      " --warmup=100ms --duration=500ms --raw_duration=200ms --raw_threads=1",
      " --json_out='", json_path, "' --markdown_out='", markdown_path, "'");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command;
  ASSERT_EQ(WEXITSTATUS(status), 0) << command;

  const nlohmann::json report =
      nlohmann::json::parse(ReadFileOrEmpty(json_path));
  EXPECT_EQ(report["cpus"].get<int>() > 0, true);
  EXPECT_FALSE(report["cpu_model"].get<std::string>().empty());
  const nlohmann::json& points = report["points"];
  ASSERT_EQ(points.size(), 18u);
  std::set<std::string> seen;
  for (const nlohmann::json& point : points) {
    const std::string name =
        absl::StrCat(point["operation"].get<std::string>(), " ",
                     point["transport"].get<std::string>(), " ",
                     point["backend"].get<std::string>());
    seen.insert(name);
    SCOPED_TRACE(name);
    EXPECT_EQ(point["in_flight"].get<int>(), 2);
    EXPECT_GT(point["ops"].get<uint64_t>(), 0u);
    EXPECT_EQ(point["errors"].get<uint64_t>(), 0u);
    EXPECT_EQ(point["shed"].get<uint64_t>(), 0u);
    EXPECT_EQ(point["first_failure"].get<std::string>(), "");
    const nlohmann::json& latency = point["latency_us"];
    EXPECT_GT(latency["p50"].get<double>(), 0);
    EXPECT_LE(latency["p50"].get<double>(), latency["p90"].get<double>());
    EXPECT_LE(latency["p90"].get<double>(), latency["p99"].get<double>());
    EXPECT_LE(latency["p99"].get<double>(), latency["p99_9"].get<double>());
    EXPECT_LE(latency["p99_9"].get<double>(), latency["max"].get<double>());
    // Server CPU is read from /proc at 10 ms resolution; half a second of
    // load costs the server far more than one tick.
    ASSERT_TRUE(point["server_cpu_us_per_op"].is_number());
    EXPECT_GT(point["server_cpu_us_per_op"].get<double>(), 0);
    EXPECT_GT(point["raw_ops_per_second"].get<double>(), 0);
    EXPECT_EQ(point["raw_threads"].get<int>(), 1);
    EXPECT_GT(point["raw_before"]["ops"].get<uint64_t>(), 0u);
    EXPECT_GT(point["raw_after"]["ops"].get<uint64_t>(), 0u);
    const double ratio = point["throughput_ratio"].get<double>();
    EXPECT_NEAR(ratio,
                point["ops_per_second"].get<double>() /
                    point["raw_ops_per_second"].get<double>(),
                1e-9);
  }
  std::set<std::string> expected;
  for (const char* operation : {"sign:ecdsa-p256", "rsa-key-exchange:rsa-2048",
                                "sign:rsa-2048:rsa_pkcs1_sha384"}) {
    for (const char* transport : {"unary", "stream", "blocking"}) {
      for (const char* backend : {"file", "pkcs11"}) {
        expected.insert(absl::StrCat(operation, " ", transport, " ", backend));
      }
    }
  }
  EXPECT_EQ(seen, expected);

  // The Markdown: the points table (a header, its rule and one row per
  // point, file before pkcs11), then the backend comparison (a header, its
  // rule and one row per pkcs11 point).
  const std::string markdown = ReadFileOrEmpty(markdown_path);
  const std::vector<std::string> lines =
      absl::StrSplit(markdown, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 31u) << markdown;
  EXPECT_EQ(lines[0].rfind("| operation | transport | in flight |", 0), 0u);
  EXPECT_EQ(lines[2].rfind("| sign:ecdsa-p256 | unary | 2 |", 0), 0u)
      << lines[2];
  EXPECT_EQ(lines[3].rfind("| sign:ecdsa-p256 @pkcs11 | unary | 2 |", 0), 0u)
      << lines[3];
  EXPECT_EQ(
      lines[13].rfind("| rsa-key-exchange:rsa-2048 @pkcs11 | blocking | 2 |",
                      0),
      0u)
      << lines[13];
  EXPECT_EQ(lines[19].rfind(
                "| sign:rsa-2048:rsa_pkcs1_sha384 @pkcs11 | blocking | 2 |", 0),
            0u)
      << lines[19];
  EXPECT_EQ(lines[20].rfind("| operation | backend | transport |", 0), 0u)
      << lines[20];
  EXPECT_EQ(lines[22].rfind("| sign:ecdsa-p256 | pkcs11 | unary | 2 |", 0), 0u)
      << lines[22];
}

}  // namespace
}  // namespace keyward::bench
