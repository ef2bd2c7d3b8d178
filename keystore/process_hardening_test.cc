#include "keystore/process_hardening.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace keyward::keystore {
namespace {

// Hardening is irreversible, so it runs in a forked child that reports
// through its exit code. (Whether ptrace attach is refused cannot be
// checked here: tests may run as root, which CAP_SYS_PTRACE lets through.)
TEST(ProcessHardeningTest, DisablesDumpsAndCoreFiles) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // Start dumpable, whatever the test runner did, so the check below
        // can fail.
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) _exit(10);
        if (!HardenProcess().ok()) _exit(11);
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) _exit(12);
        struct rlimit core;
        if (getrlimit(RLIMIT_CORE, &core) != 0) _exit(13);
        if (core.rlim_cur != 0 || core.rlim_max != 0) _exit(14);
        // Idempotent.
        if (!HardenProcess().ok()) _exit(15);
        _exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace keyward::keystore
