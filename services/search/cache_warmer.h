// CacheWarmer: keeps the searcher's term cache warm so the first searches after a start or a bulk
// import cost what later ones do. It warms once at start, then again whenever the index has taken
// in changes for a large share of its documents and the feed has been quiet for a moment.
//
// Thread-safety: Start/Stop from one thread; warmed() from any.
#ifndef IBASHO_SERVICES_SEARCH_CACHE_WARMER_H_
#define IBASHO_SERVICES_SEARCH_CACHE_WARMER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "search/engine/searcher.h"
#include "search/index/index_writer.h"

namespace ibasho::services {

struct CacheWarmerOptions {
  // How much of the posting cache's budget a warm-up fills (searches fill the rest).
  double budget_share = 0.5;
  // Changes applied since the last warm-up, as a share of the documents, that call for another.
  double rewarm_share = 0.1;
  // The feed must have been quiet this long before a re-warm (not before the first).
  std::chrono::milliseconds quiet{2000};
  std::chrono::milliseconds poll{100};
};

class CacheWarmer {
 public:
  // searcher and writer must outlive the warmer; the writer is only asked for its cursor and revision.
  CacheWarmer(search::Searcher* searcher, const search::IndexWriter* writer, const CacheWarmerOptions& options = {});
  ~CacheWarmer();

  void Start();
  void Stop();
  // True once the first warm-up has finished (failed ones count: the service then answers cold).
  bool warmed() const { return warmed_; }

 private:
  void Run();
  void WarmNow(const char* why);

  search::Searcher* searcher_;
  const search::IndexWriter* writer_;
  CacheWarmerOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::atomic<bool> warmed_{false};
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_SEARCH_CACHE_WARMER_H_
