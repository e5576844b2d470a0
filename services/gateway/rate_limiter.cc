#include "services/gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace ibasho::gateway {

RateLimiter::RateLimiter(RateLimiterOptions options) : options_(std::move(options)) {
  if (options_.burst <= 0) options_.burst = std::max(1.0, 2 * options_.rate);
}

int RateLimiter::Take(const std::string& key) {
  if (!enabled()) return 0;
  auto now = options_.now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys) Prune(now);
    it = buckets_.emplace(key, Bucket{options_.burst, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.rate);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / options_.rate)));
}

void RateLimiter::Prune(std::chrono::steady_clock::time_point now) {
  // A bucket that has refilled is the same as no bucket: drop those first, then (under a flood of
  // new keys) everything, which only ever errs towards letting requests through.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    it = it->second.tokens + elapsed * options_.rate >= options_.burst ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() >= options_.max_keys) buckets_.clear();
}

}  // namespace ibasho::gateway
