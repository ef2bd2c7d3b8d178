#include "service/mutex.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

// Run under --config=tsan too: the increments must be ordered by the lock.
TEST(MutexTest, SerializesCriticalSections) {
  Mutex mu;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        MutexLock lock(&mu);
        ++counter;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  MutexLock lock(&mu);
  EXPECT_EQ(counter, 40000);
}

}  // namespace
}  // namespace keyward::service
