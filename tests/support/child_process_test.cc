#include "tests/support/child_process.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace keyward::testing {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

std::unique_ptr<ChildProcess> StartShell(const std::string& script,
                                         const ChildOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/sh", "-c", script}, options);
  EXPECT_TRUE(child.ok()) << child.status();
  return child.ok() ? *std::move(child) : nullptr;
}

std::string TempPath(const std::string& name) {
  const char* dir = getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

TEST(ChildProcessTest, FindsLinesInOrderAndMergesStandardError) {
  std::unique_ptr<ChildProcess> child =
      StartShell("echo one; echo two >&2; echo one again");
  ASSERT_NE(child, nullptr);
  size_t next = 0;
  absl::StatusOr<std::string> first =
      child->WaitForLine("one", kTimeout, 0, &next);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "one");
  EXPECT_EQ(next, 4u);
  absl::StatusOr<std::string> later =
      child->WaitForLine("one", kTimeout, next, &next);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(*later, "one again");
  const int status = child->Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(child->output(), "one\ntwo\none again\n");
  EXPECT_EQ(child->Wait(), 0);  // Already waited for.
}

TEST(ChildProcessTest, EndedOutputIsFailedPrecondition) {
  std::unique_ptr<ChildProcess> child = StartShell("echo only");
  ASSERT_NE(child, nullptr);
  absl::StatusOr<std::string> missing = child->WaitForLine("never", kTimeout);
  EXPECT_TRUE(absl::IsFailedPrecondition(missing.status())) << missing.status();
  EXPECT_NE(missing.status().message().find("only"), std::string::npos);
}

TEST(ChildProcessTest, SilenceIsDeadlineExceeded) {
  std::unique_ptr<ChildProcess> child = StartShell("exec sleep 60");
  ASSERT_NE(child, nullptr);
  absl::StatusOr<std::string> missing =
      child->WaitForLine("never", absl::Milliseconds(50));
  EXPECT_TRUE(absl::IsDeadlineExceeded(missing.status())) << missing.status();
  const int status = child->Stop(SIGTERM);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(ChildProcessTest, EnvironmentIsInheritedOrGivenWhole) {
  ASSERT_EQ(setenv("KEYWARD_CHILD_PROCESS_TEST", "inherited", 1), 0);
  std::unique_ptr<ChildProcess> inherited =
      StartShell("echo \"[$KEYWARD_CHILD_PROCESS_TEST][$OTHER]\"");
  ASSERT_NE(inherited, nullptr);
  inherited->Wait();
  EXPECT_EQ(inherited->output(), "[inherited][]\n");

  absl::StatusOr<std::unique_ptr<ChildProcess>> given = ChildProcess::Start(
      {"/bin/sh", "-c", "echo \"[$KEYWARD_CHILD_PROCESS_TEST][$OTHER]\""},
      std::vector<std::string>{"OTHER=given"});
  ASSERT_TRUE(given.ok()) << given.status();
  (*given)->Wait();
  EXPECT_EQ((*given)->output(), "[][given]\n");
}

TEST(ChildProcessTest, CopiesOutputToTheLogFile) {
  ChildOptions options;
  options.log_path = TempPath("child_process_test.log");
  std::unique_ptr<ChildProcess> child =
      StartShell("echo first; echo second >&2", options);
  ASSERT_NE(child, nullptr);
  child->Wait();
  std::ifstream log(options.log_path);
  const std::string copied((std::istreambuf_iterator<char>(log)),
                           std::istreambuf_iterator<char>());
  EXPECT_EQ(copied, "first\nsecond\n");
  EXPECT_EQ(child->output(), copied);
}

TEST(ChildProcessTest, UnwritableLogIsNotFound) {
  ChildOptions options;
  options.log_path = TempPath("no-such-directory/child.log");
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/true"}, options);
  EXPECT_TRUE(absl::IsNotFound(child.status())) << child.status();
}

TEST(ChildProcessTest, MissingProgramIsInternalAndNamesIt) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/no/such/program"}, ChildOptions());
  EXPECT_TRUE(absl::IsInternal(child.status())) << child.status();
  EXPECT_NE(child.status().message().find("/no/such/program"),
            std::string::npos);
}

TEST(ChildProcessTest, StopWithParentEndsTheChildWithItsStartingThread) {
  ChildOptions options;
  options.stop_with_parent = true;
  std::unique_ptr<ChildProcess> child;
  std::thread starter([&] { child = StartShell("exec sleep 60", options); });
  starter.join();
  ASSERT_NE(child, nullptr);
  // Without the death signal this would take 60 s and exit with 0.
  const int status = child->Wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(RunProcessTest, FeedsInputAndSeparatesOutputs) {
  absl::StatusOr<ProcessResult> run = RunProcess(
      {"/bin/sh", "-c", "cat; echo err >&2; exit 3"}, {}, "input", kTimeout);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_EQ(run->out, "input");
  EXPECT_EQ(run->err, "err\n");
}

TEST(RunProcessTest, TimeoutKillsAndIsDeadlineExceeded) {
  absl::StatusOr<ProcessResult> run =
      RunProcess({"/bin/sh", "-c", "echo started; exec sleep 60"}, {}, "",
                 absl::Milliseconds(200));
  EXPECT_TRUE(absl::IsDeadlineExceeded(run.status())) << run.status();
  EXPECT_NE(run.status().message().find("started"), std::string::npos);
}

TEST(PortAfterTest, ReadsTheNumberAfterTheMarker) {
  absl::StatusOr<int> port =
      PortAfter("serving on 127.0.0.1:0 (port 4711, mutual TLS)", "(port ");
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(*port, 4711);
  EXPECT_TRUE(absl::IsInternal(PortAfter("serving on", "(port ").status()));
  EXPECT_TRUE(absl::IsInternal(PortAfter("(port 0)", "(port ").status()));
}

}  // namespace
}  // namespace keyward::testing
