// A bounded soak: mixed searches, partner writes, reads and hostile requests at fixed rates for
// IBASHO_SOAK_SECONDS (default 30; `IBASHO_SOAK_SECONDS=300 build/tests/soak_test` for the long
// run). Passes when no request got a 5xx, every acknowledged write is in the registry and in
// search, and the services' memory stays flat (the last third grows at most 16 MiB per service).
// Prints its figures.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using testing::Cluster;
using testing::WaitUntil;

int SoakSeconds() {
  const char* v = std::getenv("IBASHO_SOAK_SECONDS");
  int s = v ? std::atoi(v) : 30;
  return s > 0 ? s : 30;
}

// Runs fn every period until stop, on its own thread.
std::thread Every(std::chrono::milliseconds period, const std::atomic<bool>& stop, std::function<void(int)> fn) {
  return std::thread([=, &stop] {
    auto next = std::chrono::steady_clock::now();
    for (int i = 0; !stop.load(); ++i) {
      fn(i);
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
}

TEST(SoakTest, MixedLoadLeavesNo5xxNoLostWriteAndFlatMemory) {
  Cluster c;
  const int seconds = SoakSeconds();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<int, int> statuses;    // HTTP status → count
  std::set<std::string> written;  // external ids acknowledged
  auto count = [&](int status) {
    std::lock_guard<std::mutex> lock(mu);
    ++statuses[status];
  };
  const char* queries[] = {"不登校",     "こども食堂 土曜", "学校、行きたくない",
                           "ふとうこう", "居場所 練馬区",   "プレーパーク"};
  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t)  // 2 × 25 searches/s
    load.push_back(Every(40ms, stop, [&](int i) { count(c.Search(queries[i % 6]).status); }));
  load.push_back(Every(100ms, stop, [&](int i) {  // 10 partner writes/s
    std::string id = "s" + std::to_string(i);
    json g = {{"name", "ソークの会" + std::to_string(i)},
              {"activities", {{{"title", "ソーク" + std::to_string(i)}, {"categories", {"ibasho"}}}}}};
    auto r = c.Admin("PUT", "/v1/sources/soak/groups/" + id, g.dump());
    count(r.status);
    if (r.status == 200 || r.status == 201) {
      std::lock_guard<std::mutex> lock(mu);
      written.insert(id);
    }
  }));
  load.push_back(Every(200ms, stop, [&](int i) {  // reads and bad requests, 5/s
    const char* targets[] = {"/v1/groups?page_size=50", "/v1/changes?after=0&page_size=100", "/v1/categories",
                             "/v1/groups/%FF",          "/v1/search?page_size=1000",         "/v1/nothing"};
    count(c.Call("GET", targets[i % 6]).status);
  }));
  std::map<std::string, long> rss_third, rss_end;
  std::this_thread::sleep_for(std::chrono::seconds(seconds) / 3);
  for (const char* s : {"registry", "search", "gateway"}) rss_third[s] = c.RssKib(s);
  std::this_thread::sleep_for(std::chrono::seconds(seconds) * 2 / 3);
  stop = true;
  for (auto& t : load) t.join();
  for (const char* s : {"registry", "search", "gateway"}) rss_end[s] = c.RssKib(s);

  int total = 0, server_errors = 0;
  std::string summary;
  for (const auto& [status, n] : statuses) {
    total += n;
    if (status >= 500 || status < 0) server_errors += n;
    summary += " " + std::to_string(status) + "×" + std::to_string(n);
  }
  std::printf("soak: %d s, %d requests (%s), %zu writes acknowledged\n", seconds, total, summary.c_str(),
              written.size());
  for (const char* s : {"registry", "search", "gateway"})
    std::printf("soak: %s RSS %ld KiB at a third, %ld KiB at the end\n", s, rss_third[s], rss_end[s]);
  EXPECT_EQ(server_errors, 0) << summary;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // (Under sanitizers freed memory is held in quarantine, so memory grows by design.)
  for (const char* s : {"registry", "search", "gateway"}) EXPECT_LT(rss_end[s] - rss_third[s], 16 * 1024) << s;
#endif
  // Every acknowledged write is in search.
  ASSERT_TRUE(WaitUntil([&] { return c.Search("ソーク").body["total"] == static_cast<int>(written.size()); }, 10s))
      << c.Search("ソーク").raw.substr(0, 200) << " vs " << written.size();
}

}  // namespace
}  // namespace ibasho
