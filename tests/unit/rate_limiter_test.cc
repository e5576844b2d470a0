#include "services/gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace ibasho::gateway {
namespace {

using namespace std::chrono_literals;

struct FakeTime {
  std::chrono::steady_clock::time_point t{};
  RateLimiterOptions Options(double rate, double burst = 0, size_t max_keys = 100000) {
    RateLimiterOptions o;
    o.rate = rate;
    o.burst = burst;
    o.max_keys = max_keys;
    o.now = [this] { return t; };
    return o;
  }
};

TEST(RateLimiter, BurstThenTheRate) {
  FakeTime time;
  RateLimiter limiter(time.Options(/*rate=*/2, /*burst=*/4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limiter.Take("a"), 0) << i;
  EXPECT_EQ(limiter.Take("a"), 1);  // empty: wait a second
  EXPECT_EQ(limiter.Take("b"), 0);  // others are not affected
  time.t += 500ms;                  // one token back
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_GE(limiter.Take("a"), 1);
}

TEST(RateLimiter, SlowRatesSayHowLongToWait) {
  FakeTime time;
  RateLimiter limiter(time.Options(/*rate=*/0.1, /*burst=*/1));
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 10);
}

TEST(RateLimiter, OffWhenTheRateIsZero) {
  FakeTime time;
  RateLimiter limiter(time.Options(0));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("a"), 0);
}

TEST(RateLimiter, ManyKeysStayBounded) {
  FakeTime time;
  RateLimiter limiter(time.Options(1, 1, /*max_keys=*/100));
  for (int i = 0; i < 10000; ++i) limiter.Take("k" + std::to_string(i));  // a flood of new addresses
  EXPECT_EQ(limiter.Take("k9999"), 1);                                    // still limited: the newest keys are kept
}

}  // namespace
}  // namespace ibasho::gateway
