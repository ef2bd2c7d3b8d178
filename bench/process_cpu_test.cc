#include "bench/process_cpu.h"

#include <unistd.h>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace keyward::bench {
namespace {

CpuSample Sample(absl::Duration serving, absl::Duration self,
                 absl::Duration busy) {
  CpuSample sample;
  sample.serving = serving;
  sample.self = self;
  sample.system = SystemCpu{busy, busy * 2};
  return sample;
}

TEST(OtherCpuTest, IsTheMachinesBusyTimeLessServingAndSelf) {
  const CpuSample opened =
      Sample(absl::Seconds(10), absl::Seconds(3), absl::Seconds(100));
  const CpuSample closed =
      Sample(absl::Seconds(11), absl::Seconds(5), absl::Seconds(104));
  // 4 s busy, of which 1 s serving and 2 s this process.
  EXPECT_EQ(OtherCpu(opened, closed), absl::Seconds(1));
}

TEST(OtherCpuTest, UnknownServingCountsAsZero) {
  CpuSample opened =
      Sample(absl::Seconds(10), absl::Seconds(3), absl::Seconds(100));
  const CpuSample closed =
      Sample(absl::Seconds(11), absl::Seconds(5), absl::Seconds(104));
  opened.serving.reset();
  EXPECT_EQ(OtherCpu(opened, closed), absl::Seconds(2));
}

TEST(OtherCpuTest, UnreadMachineCountsAsZeroBusy) {
  const CpuSample opened =
      Sample(absl::Seconds(10), absl::Seconds(3), absl::Seconds(100));
  CpuSample closed =
      Sample(absl::Seconds(11), absl::Seconds(5), absl::Seconds(104));
  closed.system.reset();
  EXPECT_EQ(OtherCpu(opened, closed), absl::Seconds(-103));
}

TEST(SampleCpuTest, ReadsThisProcessAndTheMachine) {
  const CpuSample sample = SampleCpu({getpid()});
  ASSERT_TRUE(sample.serving.has_value());
  ASSERT_TRUE(sample.system.has_value());
  EXPECT_GT(sample.system->total, absl::ZeroDuration());
  EXPECT_GE(sample.self, absl::ZeroDuration());
}

TEST(SampleCpuTest, NoServingWithoutProcessesOrWithAnUnreadableOne) {
  EXPECT_FALSE(SampleCpu({}).serving.has_value());
  // Pid 0 has no /proc entry.
  EXPECT_FALSE(SampleCpu({getpid(), 0}).serving.has_value());
}

}  // namespace
}  // namespace keyward::bench
