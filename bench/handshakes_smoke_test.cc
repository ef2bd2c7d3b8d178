// Runs bench/handshakes end to end with tiny settings: a key service, a
// keyless edge and a local-key edge, one TLS 1.3 and one TLS 1.2 point at
// two connections. Checks that both edges completed handshakes without
// failures and that the reported figures are consistent.
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/runfiles.h"
#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

TEST(HandshakesSmokeTest, BothEdgesCompleteHandshakesWithoutFailures) {
  const std::string handshakes = RunfilePath("bench/handshakes");
  ASSERT_FALSE(handshakes.empty()) << "bench/handshakes is not a runfile";
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const std::string json_path = tmp + "/handshakes.json";
  const std::string markdown_path = tmp + "/handshakes.md";
  const std::string command = absl::StrCat(
      "'", handshakes, "' --key=rsa-2048 --tls_versions=1.3,1.2",
      " --connections=2 --warmup=100ms --duration=600ms --rounds=1",
      " --work_dir='", tmp, "/work' --json_out='", json_path,
      "' --markdown_out='", markdown_path, "'");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command;
  ASSERT_EQ(WEXITSTATUS(status), 0) << command;

  const nlohmann::json report =
      nlohmann::json::parse(ReadFileOrEmpty(json_path));
  EXPECT_EQ(report["key"].get<std::string>(), "rsa-2048");
  const nlohmann::json& points = report["points"];
  ASSERT_EQ(points.size(), 2u);
  const std::vector<std::string> versions = {"1.3", "1.2"};
  for (size_t i = 0; i < points.size(); ++i) {
    const nlohmann::json& point = points[i];
    SCOPED_TRACE(versions[i]);
    EXPECT_EQ(point["tls_version"].get<std::string>(), versions[i]);
    EXPECT_EQ(point["connections"].get<int>(), 2);
    for (const char* edge : {"local", "keyless"}) {
      SCOPED_TRACE(edge);
      const nlohmann::json& t = point[edge];
      EXPECT_GT(t["handshakes"].get<int64_t>(), 0);
      EXPECT_EQ(t["errors"].get<int64_t>(), 0);
      EXPECT_EQ(t["first_error"].get<std::string>(), "");
      EXPECT_NEAR(t["handshakes_per_second"].get<double>(),
                  t["handshakes"].get<double>() / t["seconds"].get<double>(),
                  1e-9);
      ASSERT_EQ(t["windows"].size(), 1u);
      const nlohmann::json& w = t["windows"][0];
      EXPECT_EQ(w["count"].get<int64_t>(), t["handshakes"].get<int64_t>());
      EXPECT_GT(w["p50_us"].get<double>(), 0);
      EXPECT_LE(w["p50_us"].get<double>(), w["p99_us"].get<double>());
      EXPECT_LE(w["p99_us"].get<double>(), w["max_us"].get<double>());
      // The clients did TLS work for every handshake.
      EXPECT_GT(t["client_cpu_us_per_handshake"].get<double>(), 0);
      // Other processes' CPU, from counters of different resolutions: a
      // little below zero at worst, never more than the machine has.
      EXPECT_GT(t["other_load_cores"].get<double>(), -0.5);
      EXPECT_LE(t["other_load_cores"].get<double>(),
                std::thread::hardware_concurrency());
    }
    EXPECT_NEAR(point["ratio"].get<double>(),
                point["keyless"]["handshakes_per_second"].get<double>() /
                    point["local"]["handshakes_per_second"].get<double>(),
                1e-9);
    const auto all_cpu = [&](const char* edge) {
      return point[edge]["cpu_us_per_handshake"].get<double>() +
             point[edge]["client_cpu_us_per_handshake"].get<double>();
    };
    EXPECT_NEAR(point["cpu_bound_ratio"].get<double>(),
                all_cpu("local") / all_cpu("keyless"), 1e-9);
  }
  // The target for the TLS 1.3 point (RSA-2048), then the table.
  const std::vector<std::string> lines = absl::StrSplit(
      ReadFileOrEmpty(markdown_path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0].rfind("| target (issue 8) |", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2].rfind("| keyless TLS 1.3 handshakes, RSA-2048, 2 "
                           "connections: >= 0.85 x local key | " +
                               absl::StrFormat("%.2f x |",
                                               points[0]["ratio"].get<double>()),
                           0),
            0u)
      << lines[2];
  EXPECT_EQ(lines[3].rfind("| (same, CPU-bound projection) | " +
                               absl::StrFormat(
                                   "%.2f x |",
                                   points[0]["cpu_bound_ratio"].get<double>()),
                           0),
            0u)
      << lines[3];
  EXPECT_EQ(lines[6].rfind("| rsa-2048 | 1.3 | 2 |", 0), 0u) << lines[6];
  EXPECT_EQ(lines[7].rfind("| rsa-2048 | 1.2 | 2 |", 0), 0u) << lines[7];
}

}  // namespace
}  // namespace keyward::bench
