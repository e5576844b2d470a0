// Token buckets per key (a client address, a token): rate requests per second with bursts of
// burst, for the gateway's --rate_limit_per_ip and --rate_limit_per_token. Memory is bounded: at
// most max_keys buckets; full buckets of idle keys are dropped first. Thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_RATE_LIMITER_H_
#define IBASHO_SERVICES_GATEWAY_RATE_LIMITER_H_

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ibasho::gateway {

struct RateLimiterOptions {
  double rate = 0;   // requests per second per key; 0 turns the limiter off
  double burst = 0;  // bucket size; 0 means 2 × rate (at least 1)
  size_t max_keys = 100000;
  // Time source (tests); steady.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimiterOptions options);

  // Takes one request for key. 0 when allowed; otherwise the whole seconds to wait (≥ 1).
  int Take(const std::string& key);
  bool enabled() const { return options_.rate > 0; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void Prune(std::chrono::steady_clock::time_point now);  // caller holds mu_

  RateLimiterOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_RATE_LIMITER_H_
