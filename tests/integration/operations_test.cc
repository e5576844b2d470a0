// Running ibasho: metrics, request ids across the three logs, search replicas, readiness of a
// new replica, and an online backup restored into a fresh system.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/url.h"
#include "grpc/health/v1/health_probe.grpc.pb.h"
#include "services/common/channel.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HttpResult;
using testing::WaitUntil;

json Batch(const std::string& prefix, int from, int to) {
  json groups = json::array();
  for (int i = from; i < to; ++i)
    groups.push_back(
        {{"external_id", prefix + std::to_string(i)},
         {"name", prefix + "の会" + std::to_string(i)},
         {"activities", {{{"title", prefix + "の居場所" + std::to_string(i)}, {"categories", {"ibasho"}}}}}});
  return {{"groups", groups}};
}

int Total(Cluster& c, const std::string& q) {
  HttpResult r = c.Search(q, "&page_size=1");
  return r.status == 200 ? r.body.value("total", -1) : -1;
}

// The JSON lines of a log that carry request_id.
std::vector<json> LinesWith(const std::string& log, const std::string& request_id) {
  std::vector<json> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("request_id", "") == request_id) out.push_back(j);
  }
  return out;
}

TEST(Operations, MetricsCountRequestsAndReportTheIndexLag) {
  Cluster c;
  ASSERT_EQ(c.Admin("POST", "/v1/sources/s/groups:batch", Batch("計測", 0, 20).dump()).status, 200);
  ASSERT_TRUE(WaitUntil([&] { return Total(c, "計測") == 20; }, std::chrono::seconds(5)));
  for (int i = 0; i < 3; ++i) c.Search("計測");
  c.Call("GET", "/v1/nope");
  HttpResult m = c.Call("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.content_type.find("text/plain; version=0.0.4"), std::string::npos);
  const std::string& t = m.raw;
  EXPECT_NE(t.find("ibasho_http_requests_total{route=\"GET /v1/search\",code=\"200\"}"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_http_requests_total{route=\"unmatched\",code=\"404\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_http_request_duration_seconds_bucket{route=\"GET /v1/search\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(t.find("# TYPE ibasho_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(t.find("ibasho_http_admission_queue_depth 0"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_registry_groups 20"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_registry_up 1"), std::string::npos);
  EXPECT_NE(t.find("ibasho_index_lag{replica=\"" + c.search_address() + "\"} 0"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_index_documents{replica=\"" + c.search_address() + "\"} 20"), std::string::npos) << t;
  EXPECT_NE(t.find("ibasho_search_caught_up{replica=\"" + c.search_address() + "\"} 1"), std::string::npos);
  EXPECT_NE(t.find("ibasho_registry_database_bytes "), std::string::npos);
  EXPECT_NE(t.find("ibasho_index_bytes{"), std::string::npos);
}

TEST(Operations, MetricsAreForLocalNetworksUnlessMadePublic) {
  // Behind a trusted proxy, a client on the internet is seen by its forwarded address.
  Cluster c({"--trusted_proxies=127.0.0.1"});
  EXPECT_EQ(c.Call("GET", "/metrics").status, 200);  // the proxy's own host (loopback)
  for (const char* client : {"203.0.113.9", "2001:db8::1"})
    EXPECT_EQ(c.Call("GET", "/metrics", "", {{"X-Forwarded-For", client}}).status, 403) << client;
  for (const char* client : {"10.1.2.3", "172.20.0.5", "192.168.1.10", "fd00::5"})
    EXPECT_EQ(c.Call("GET", "/metrics", "", {{"X-Forwarded-For", client}}).status, 200) << client;
  EXPECT_EQ(c.Call("GET", "/metrics", "", {{"X-Forwarded-For", "172.32.0.1"}}).status, 403);
  Cluster open({"--trusted_proxies=127.0.0.1", "--metrics_public"});
  EXPECT_EQ(open.Call("GET", "/metrics", "", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
}

TEST(Operations, OneRequestIdFindsARequestInAllThreeLogsAndNothingPrivateIsLogged) {
  Cluster c;
  HttpResult created = c.Admin("POST", "/v1/groups", R"({"name":"ログの会","activities":[{"title":"ログの居場所"}]})");
  ASSERT_EQ(created.status, 201);
  HttpResult got =
      c.Call("GET", "/v1/groups/" + created.body["id"].get<std::string>(), "", {{"X-Request-Id", "req-registry-1"}});
  EXPECT_EQ(got.headers["x-request-id"], "req-registry-1");
  HttpResult searched =
      c.Call("GET", "/v1/search?q=" + PercentEncode("ひみつのことば"), "", {{"X-Request-Id", "req-search-1"}});
  EXPECT_EQ(searched.headers["x-request-id"], "req-search-1");
  HttpResult forged = c.Call("GET", "/v1/search?q=x", "", {{"Authorization", "Bearer not-a-real-token-xyz"}});
  EXPECT_EQ(forged.status, 401);
  ASSERT_TRUE(WaitUntil([&] { return !LinesWith(c.Log("search"), "req-search-1").empty(); }, std::chrono::seconds(2)))
      << c.Log("search");

  auto gateway_lines = LinesWith(c.Log("gateway"), "req-registry-1");
  ASSERT_EQ(gateway_lines.size(), 1u) << c.Log("gateway");
  EXPECT_EQ(gateway_lines[0]["route"], "GET /v1/groups/{}");
  EXPECT_EQ(gateway_lines[0]["status"], 200);
  EXPECT_EQ(gateway_lines[0]["role"], "anonymous");
  EXPECT_TRUE(gateway_lines[0].contains("latency_ms"));
  auto registry_lines = LinesWith(c.Log("registry"), "req-registry-1");
  ASSERT_FALSE(registry_lines.empty()) << c.Log("registry");
  EXPECT_EQ(registry_lines[0]["method"], "/ibasho.registry.v1.Registry/GetGroup");
  EXPECT_EQ(registry_lines[0]["grpc_code"], 0);
  auto search_lines = LinesWith(c.Log("search"), "req-search-1");
  EXPECT_EQ(search_lines[0]["method"], "/ibasho.search.v1.Search/Search");

  // What people type and their tokens stay out of every log.
  for (const char* name : {"gateway", "registry", "search"}) {
    EXPECT_EQ(c.Log(name).find("ひみつのことば"), std::string::npos) << name;
    EXPECT_EQ(c.Log(name).find("not-a-real-token-xyz"), std::string::npos) << name;
    EXPECT_EQ(c.Log(name).find(Cluster::kAdminToken), std::string::npos) << name;
  }
  // An id that is not one is replaced.
  HttpResult odd = c.Call("GET", "/healthz", "", {{"X-Request-Id", "bad id\twith spaces"}});
  EXPECT_EQ(odd.headers["x-request-id"].size(), 16u) << odd.headers["x-request-id"];
}

TEST(Operations, KillingOneSearchReplicaLosesNoRequest) {
  Cluster c({}, /*search_replicas=*/2);
  ASSERT_EQ(c.Admin("POST", "/v1/sources/s/groups:batch", Batch("複製", 0, 30).dump()).status, 200);
  ASSERT_TRUE(WaitUntil([&] { return Total(c, "複製") == 30; }, std::chrono::seconds(5)));
  std::atomic<int> ok{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      while (!stop) (Total(c, "複製") == 30 ? ok : failed)++;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  c.StopSearch(SIGKILL, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0) << ok.load() << " answered";
  EXPECT_GT(ok.load(), 50);
  HttpResult ready = c.Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.raw;  // one replica is enough
  EXPECT_NE(c.Call("GET", "/metrics").raw.find("ibasho_search_up{replica=\"" + c.search_address(0) + "\"} 0"),
            std::string::npos);
}

TEST(Operations, ASearchReplicaIsNotServingUntilItHasCaughtUpWithTheRegistry) {
  Cluster c;
  ASSERT_EQ(c.Admin("POST", "/v1/sources/s/groups:batch", Batch("追従", 0, 300).dump()).status, 200);
  ASSERT_TRUE(WaitUntil([&] { return Total(c, "追従") == 300; }, std::chrono::seconds(10)));
  // The replica comes back with an empty index while the registry is away: it cannot catch up.
  c.StopSearch(SIGTERM, 0);
  c.StopRegistry(SIGTERM);
  std::filesystem::remove_all(c.dir().File("index"));
  c.StartSearch(0);
  auto health = grpc::health::v1::Health::NewStub(services::MakeChannel(c.search_address()));
  auto check = [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckResponse resp;
    return health->Check(&ctx, {}, &resp).ok() ? resp.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
  };
  ASSERT_TRUE(WaitUntil([&] { return check() == grpc::health::v1::HealthCheckResponse::NOT_SERVING; },
                        std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(check(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(c.Call("GET", "/readyz").status, 503);
  c.StartRegistry();
  ASSERT_TRUE(
      WaitUntil([&] { return check() == grpc::health::v1::HealthCheckResponse::SERVING; }, std::chrono::seconds(20)));
  EXPECT_EQ(Total(c, "追従"), 300);  // serving means everything is there
}

TEST(Operations, AnOnlineBackupTakenUnderWritesRestoresToTheSameSearchResults) {
  Cluster c;
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0}, write_errors{0};
  std::thread writer([&] {
    for (int from = 0; !stop; from += 50) {
      if (c.Admin("POST", "/v1/sources/s/groups:batch", Batch("復元", from, from + 50).dump()).status == 200)
        ++batches;
      else
        ++write_errors;
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return batches >= 5; }, std::chrono::seconds(20)));
  std::string backup = c.dir().File("backup.db");
  int rc = -1;
  json taken = json::parse(c.Ctl("backup " + backup, &rc), nullptr, false);
  ASSERT_EQ(rc, 0);
  ASSERT_TRUE(WaitUntil([&] { return batches >= 10; }, std::chrono::seconds(20)));  // writes went on
  stop = true;
  writer.join();
  EXPECT_EQ(write_errors.load(), 0);
  ASSERT_TRUE(taken.is_object());
  EXPECT_GT(taken["bytes"].get<int64_t>(), 0);

  Cluster restored({}, 1, backup);
  HttpResult listed = restored.Call("GET", "/v1/groups?page_size=500&source=s");
  ASSERT_EQ(listed.status, 200);
  std::set<std::string> groups;
  for (const auto& g : listed.body["groups"]) groups.insert(g["name"]);
  std::string token = listed.body.value("next_page_token", "");
  while (!token.empty()) {
    HttpResult more = restored.Call("GET", "/v1/groups?page_size=500&source=s&page_token=" + token);
    for (const auto& g : more.body["groups"]) groups.insert(g["name"]);
    token = more.body.value("next_page_token", "");
  }
  ASSERT_GE(groups.size(), 250u);                  // the five batches acknowledged before the backup
  ASSERT_LT(groups.size(), batches.load() * 50u);  // and not what came after
  // The restored search, built from the restored registry's feed, finds exactly those groups.
  ASSERT_TRUE(
      WaitUntil([&] { return Total(restored, "復元") == static_cast<int>(groups.size()); }, std::chrono::seconds(30)))
      << Total(restored, "復元") << " vs " << groups.size();
  EXPECT_NE(restored.Call("GET", "/metrics")
                .raw.find("ibasho_registry_feed_cursor " + taken["latest_cursor"].get<std::string>() + "\n"),
            std::string::npos);
}

}  // namespace
}  // namespace ibasho
