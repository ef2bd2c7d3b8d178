#include "keystore/pkcs11/session_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handshake/testing/status_matchers.h"
#include "keystore/pkcs11/testing/softhsm_token.h"

namespace keyward::keystore::pkcs11 {
namespace {

using ::keyward::handshake::test::IsOk;

constexpr char kPin[] = "pool-pin";

absl::StatusOr<std::shared_ptr<SessionPool>> Open(const std::string& label,
                                                  size_t max_sessions) {
  TokenConfig config;
  config.label = label;
  config.module_path = testing::kSoftHsmModule;
  config.pin.assign(kPin, kPin + sizeof(kPin) - 1);
  config.max_sessions = max_sessions;
  return SessionPool::Open(std::move(config));
}

TEST(SessionPoolTest, SessionsAreLoggedInAndReused) {
  ASSERT_THAT(testing::SoftHsmToken::Create("pool-reuse", kPin), IsOk());
  absl::StatusOr<std::shared_ptr<SessionPool>> pool = Open("pool-reuse", 3);
  ASSERT_THAT(pool, IsOk());
  CK_SESSION_HANDLE first = CK_INVALID_HANDLE;
  {
    absl::StatusOr<SessionPool::Session> session = (*pool)->Acquire();
    ASSERT_THAT(session, IsOk());
    CK_SESSION_INFO info;
    ASSERT_EQ((*pool)->functions()->C_GetSessionInfo(session->handle(), &info),
              CKR_OK);
    EXPECT_EQ(info.state, CKS_RO_USER_FUNCTIONS);
    first = session->handle();
  }
  absl::StatusOr<SessionPool::Session> again = (*pool)->Acquire();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->handle(), first);
  EXPECT_EQ((*pool)->Name(),
            "token \"pool-reuse\" (/usr/lib/softhsm/libsofthsm2.so)");
}

TEST(SessionPoolTest, NeverMoreThanMaxSessions) {
  ASSERT_THAT(testing::SoftHsmToken::Create("pool-max", kPin), IsOk());
  absl::StatusOr<std::shared_ptr<SessionPool>> pool = Open("pool-max", 2);
  ASSERT_THAT(pool, IsOk());
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  std::atomic<int> in_use{0};
  std::atomic<int> peak{0};
  std::atomic<int> acquired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        absl::StatusOr<SessionPool::Session> session = (*pool)->Acquire();
        if (!session.ok()) continue;
        const int now = ++in_use;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        CK_SESSION_INFO info;
        if ((*pool)->functions()->C_GetSessionInfo(session->handle(), &info) ==
            CKR_OK) {
          ++acquired;
        }
        --in_use;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(acquired.load(), kThreads * kRounds);
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
}

TEST(SessionPoolTest, ResetDropsTheGenerationsSessions) {
  ASSERT_THAT(testing::SoftHsmToken::Create("pool-reset", kPin), IsOk());
  absl::StatusOr<std::shared_ptr<SessionPool>> pool = Open("pool-reset", 2);
  ASSERT_THAT(pool, IsOk());
  absl::StatusOr<SessionPool::Session> held = (*pool)->Acquire();
  ASSERT_THAT(held, IsOk());
  const uint64_t old_generation = held->generation();
  (*pool)->Reset(old_generation);
  (*pool)->Reset(old_generation);  // a second report of the same loss
  {
    absl::StatusOr<SessionPool::Session> fresh = (*pool)->Acquire();
    ASSERT_THAT(fresh, IsOk());
    EXPECT_EQ(fresh->generation(), old_generation + 1);
    EXPECT_NE(fresh->handle(), held->handle());
  }
  const CK_SESSION_HANDLE old_handle = held->handle();
  held = absl::UnavailableError("returned");  // gives the old session back
  CK_SESSION_INFO info;
  EXPECT_EQ((*pool)->functions()->C_GetSessionInfo(old_handle, &info),
            CKR_SESSION_HANDLE_INVALID);
}

TEST(SessionPoolTest, ZeroSessionsIsInvalid) {
  EXPECT_EQ(Open("any", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace keyward::keystore::pkcs11
