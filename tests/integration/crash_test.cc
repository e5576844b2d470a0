// kill -9 in the middle of work: the registry loses no acknowledged write, and the search index
// converges to exactly the registry's published listings. Against the three real services.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
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

json Listing(const std::string& name) {
  return {
      {"name", name},
      {"activities",
       {{{"title", name + "の居場所"}, {"description", "クラッシュ試験の居場所です。"}, {"categories", {"ibasho"}}}}}};
}

TEST(CrashTest, RegistryKilledDuringWritesLosesNoAcknowledgedWrite) {
  Cluster c;
  std::mutex mu;
  std::set<std::string> acknowledged;  // group ids whose write got a 2xx
  std::atomic<bool> writing{true};
  std::atomic<int> attempts{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; writing.load(); ++i) {
        std::string external_id = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto r = c.Admin("PUT", "/v1/sources/crash/groups/" + external_id, Listing("会" + external_id).dump());
        ++attempts;
        if (r.status == 200 || r.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(r.body["group"]["id"].get<std::string>());
        }
      }
    });
  }
  std::this_thread::sleep_for(700ms);
  c.StopRegistry(SIGKILL);  // mid-transaction for some writers
  std::this_thread::sleep_for(300ms);
  c.StartRegistry();
  std::this_thread::sleep_for(700ms);
  writing = false;
  for (auto& t : writers) t.join();
  ASSERT_GT(acknowledged.size(), 20u) << attempts.load();
  std::printf("crash: %zu writes acknowledged of %d attempted around the kill\n", acknowledged.size(), attempts.load());
  for (const auto& id : acknowledged) EXPECT_EQ(c.Admin("GET", "/v1/groups/" + id).status, 200) << id;
  // The feed holds each of them, so search catches up with all of them too.
  std::set<std::string> in_feed;
  std::string cursor = "0";
  for (;;) {
    auto feed = c.Admin("GET", "/v1/changes?page_size=1000&after=" + cursor);
    ASSERT_EQ(feed.status, 200) << feed.raw;
    for (const auto& ch : feed.body["changes"]) in_feed.insert(ch["group_id"].get<std::string>());
    if (feed.body["changes"].empty()) break;
    cursor = feed.body["next_cursor"].get<std::string>();
  }
  for (const auto& id : acknowledged) EXPECT_TRUE(in_feed.count(id)) << id;
}

TEST(CrashTest, SearchKilledDuringBulkLoadConvergesToThePublishedSet) {
  Cluster c;
  json batch = {{"groups", json::array()}};
  for (int i = 0; i < 800; ++i) {
    json g = Listing("一括" + std::to_string(i));
    g["external_id"] = "b" + std::to_string(i);
    if (i % 10 == 0) g["status"] = "draft";  // not to be searchable
    batch["groups"].push_back(g);
  }
  std::thread loader([&] {
    auto r = c.Admin("POST", "/v1/sources/bulk/groups:batch", batch.dump());
    EXPECT_EQ(r.status, 200) << r.raw.substr(0, 300);
  });
  std::this_thread::sleep_for(150ms);
  c.StopSearch(SIGKILL);  // while it applies the feed
  loader.join();
  // More changes while it is down: an archive and an update.
  auto first = c.Admin("PUT", "/v1/sources/bulk/groups/b1", Listing("一括1改").dump());
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(c.Admin("DELETE", "/v1/sources/bulk/groups/b2").status, 200);
  c.StartSearch();
  const int expected = 800 - 80 - 1;  // drafts and the archived one are not searchable
  ASSERT_TRUE(WaitUntil([&] { return c.Call("GET", "/readyz").body["index"]["doc_count"] == expected; }, 20s))
      << c.Call("GET", "/readyz").raw << c.Log("search");
  auto all = c.Search("クラッシュ試験");
  EXPECT_EQ(all.body["total"], expected) << all.raw.substr(0, 300);
  EXPECT_TRUE(testing::HasTitle(c.Search("一括1改の居場所"), "一括1改の居場所"));
  EXPECT_FALSE(testing::HasTitle(c.Search("一括2の居場所"), "一括2の居場所"));
  EXPECT_FALSE(testing::HasTitle(c.Search("一括10の居場所"), "一括10の居場所"));  // a draft
}

}  // namespace
}  // namespace ibasho
