#include "services/search/cache_warmer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ibasho::services {

CacheWarmer::CacheWarmer(search::Searcher* searcher, const search::IndexWriter* writer,
                         const CacheWarmerOptions& options)
    : searcher_(searcher), writer_(writer), options_(options) {}

CacheWarmer::~CacheWarmer() { Stop(); }

void CacheWarmer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void CacheWarmer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CacheWarmer::WarmNow(const char* why) {
  auto start = std::chrono::steady_clock::now();
  auto stats = searcher_->Warm(options_.budget_share);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (stats.ok())
    spdlog::info("search: term cache warmed {}: {} terms, {} MiB, {:.0f} ms", why, stats->terms, stats->bytes >> 20,
                 ms);
  else
    spdlog::warn("search: {}", stats.status().ToString());
}

void CacheWarmer::Run() {
  using Clock = std::chrono::steady_clock;
  WarmNow("at start");
  warmed_ = true;
  int64_t warmed_cursor = writer_->AppliedCursor();
  uint64_t revision = writer_->Revision();
  Clock::time_point last_change = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, options_.poll, [&] { return stop_; })) {
    if (writer_->Revision() != revision) {
      revision = writer_->Revision();
      last_change = Clock::now();
      continue;
    }
    auto docs = searcher_->DocCount();
    if (!docs.ok()) continue;
    const double changed = static_cast<double>(writer_->AppliedCursor() - warmed_cursor);
    if (changed < options_.rewarm_share * std::max<double>(*docs, 1) || Clock::now() - last_change < options_.quiet)
      continue;
    warmed_cursor = writer_->AppliedCursor();
    lock.unlock();
    WarmNow("after a large change");
    lock.lock();
  }
}

}  // namespace ibasho::services
