// The gateway on the open internet: malformed, slow, oversized and hostile requests get a clear
// 4xx or 503 (never a crash, a hang or a 5xx), the gateway keeps serving everyone else, and a
// SIGTERM lets requests in flight finish. Against the three real services.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using namespace std::chrono_literals;
using testing::Cluster;
using testing::HttpFetch;
using testing::RawExchange;
using testing::WaitUntil;

int StatusOf(const std::string& raw) {
  // "HTTP/1.1 503 Service Unavailable"
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return -1;
  return std::atoi(raw.substr(9, 3).c_str());
}

class HostileClientTest : public ::testing::Test {
 protected:
  // A small connection cap and short head deadline, so the test needs few sockets and little time.
  Cluster c{{"--max_connections=16", "--header_timeout_ms=800", "--body_timeout_ms=800"}};

  bool Healthy() { return c.Call("GET", "/v1/search?q=%E5%B1%85%E5%A0%B4%E6%89%80").status == 200; }
};

TEST_F(HostileClientTest, ChunkedTrailerOverTheLimitIsRefusedAndTheGatewayLives) {
  std::string req =
      "POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(Cluster::kAdminToken) +
      "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n0\r\nX-Trailer: " + std::string(70000, 'a') + "\r\n\r\n";
  std::string raw = RawExchange(c.http_port(), req, 3s);
  int status = StatusOf(raw);
  EXPECT_TRUE(status == 400 || status == 413 || status == 431 || raw.empty()) << raw.substr(0, 200);
  EXPECT_TRUE(Healthy()) << c.Log("gateway");
  auto t0 = std::chrono::steady_clock::now();
  c.StopGateway(SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << c.Log("gateway");  // nothing left in flight
}

TEST_F(HostileClientTest, DeeplyNestedJsonIsA400) {
  std::string deep = std::string(60000, '[') + std::string(60000, ']');
  for (const char* target : {"/v1/groups", "/v1/sources/s/groups:batch", "/v1/sources/s/import"}) {
    auto r = c.Admin("POST", target, R"({"name":)" + deep + "}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 400) << target << ": " << r.raw.substr(0, 200);
  }
  auto created = c.Admin("POST", "/v1/groups", R"({"name":"会","activities":[{"title":"t","categories":["ibasho"]}]})");
  ASSERT_EQ(created.status, 201) << created.raw;
  auto patched = c.Admin("PATCH", "/v1/groups/" + created.body["id"].get<std::string>(), "{\"a\":" + deep + "}");
  EXPECT_EQ(patched.status, 400) << patched.raw.substr(0, 200);
  EXPECT_TRUE(Healthy());
}

TEST_F(HostileClientTest, IdleAndSlowConnectionsAreClosedAndOthersAreServed) {
  // More idle connections than the cap: the ones over it get 503 with Retry-After at once.
  std::vector<int> fds;
  int rejected = 0;
  for (int i = 0; i < 24; ++i) {
    int fd = -1;
    std::string raw = RawExchange(c.http_port(), "GET /v1/search HTTP/1.1\r\nHo", 30ms, &fd);  // never finishes
    if (StatusOf(raw) == 503) {
      ++rejected;
      EXPECT_NE(raw.find("Retry-After"), std::string::npos) << raw;
    }
    fds.push_back(fd);
  }
  EXPECT_GE(rejected, 8);
  // The head deadline closes the slow ones; then everyone is served again.
  EXPECT_TRUE(WaitUntil([&] { return Healthy(); }, 5s)) << c.Log("gateway");
  for (int fd : fds) close(fd);
}

TEST_F(HostileClientTest, BodiesAreNotReadBeforeTheRouteAndTokenAreChecked) {
  // Announces 5 MB and sends none of it: the answer comes from the head alone.
  std::string head = "POST /v1/sources/s/import HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n";
  auto t0 = std::chrono::steady_clock::now();
  std::string raw = RawExchange(c.http_port(), head, 2s);
  EXPECT_EQ(StatusOf(raw), 401) << raw;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
  std::string bad_token =
      "POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nContent-Length: 900000\r\n\r\n";
  EXPECT_EQ(StatusOf(RawExchange(c.http_port(), bad_token, 2s)), 401);
  std::string no_route = "POST /v1/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n";
  EXPECT_EQ(StatusOf(RawExchange(c.http_port(), no_route, 2s)), 404);
  std::string too_big = "POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        std::string(Cluster::kAdminToken) + "\r\nContent-Length: 50000000\r\n\r\n";
  EXPECT_EQ(StatusOf(RawExchange(c.http_port(), too_big, 2s)), 413);
  EXPECT_EQ(c.Call("PUT", "/v1/search").status, 405);
}

TEST_F(HostileClientTest, BadBytesInPathsParametersAndTokensAre4xx) {
  const char* targets[] = {"/v1/groups/%FF%FE",          "/v1/changes?after=%FF",
                           "/v1/groups?page_token=%FF",  "/v1/groups/g_%00x/history",
                           "/v1/search?q=%E3%81",        "/v1/admin/stale?older_than=2147483647d",
                           "/v1/groups?page_token=zzzz", "/v1/search?sort=sideways"};
  for (const char* t : targets) {
    auto r = c.Admin("GET", t);
    EXPECT_GE(r.status, 400) << t << " " << r.raw;
    EXPECT_LT(r.status, 500) << t << " " << r.raw;
    EXPECT_TRUE(r.body.is_object() && r.body.contains("error")) << t << " " << r.raw;
  }
  for (const char* t : {"/v1/sources/%FF/groups/x", "/v1/sources/s/groups/%FF%FE"}) {
    auto r = c.Admin("PUT", t, R"({"name":"会"})");
    EXPECT_GE(r.status, 400) << t << " " << r.raw;
    EXPECT_LT(r.status, 500) << t << " " << r.raw;
  }
  auto token = c.Call("GET", "/v1/groups", "", {{"Authorization", "Bearer \xff\xfe"}});
  EXPECT_EQ(token.status, 401) << token.raw;
  EXPECT_TRUE(Healthy());
}

TEST_F(HostileClientTest, SearchDownIsAFast503) {
  c.StopSearch(SIGKILL);
  c.Search("居場所");  // lets the channel notice
  auto t0 = std::chrono::steady_clock::now();
  auto r = c.Search("居場所");
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 503) << r.raw;
  EXPECT_LT(took, 1500ms);
  c.StartSearch();
  EXPECT_TRUE(WaitUntil([&] { return Healthy(); }, 10s));
}

TEST_F(HostileClientTest, SigtermLetsRequestsInFlightFinish) {
  // A partner batch of 1,000 listings takes a while to write; SIGTERM arrives in the middle.
  nlohmann::json batch = {{"groups", nlohmann::json::array()}};
  for (int i = 0; i < 1000; ++i)
    batch["groups"].push_back(
        {{"external_id", "e" + std::to_string(i)},
         {"name", "会" + std::to_string(i)},
         {"activities", {{{"title", "居場所" + std::to_string(i)}, {"categories", {"ibasho"}}}}}});
  testing::HttpReply reply;
  std::thread partner([&] {
    reply = HttpFetch(c.http_port(), "POST", "/v1/sources/s/groups:batch", batch.dump(),
                      {{"Authorization", std::string("Bearer ") + Cluster::kAdminToken}});
  });
  std::this_thread::sleep_for(150ms);
  int status = c.StopGateway(SIGTERM);
  partner.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300) << c.Log("gateway");
  auto report = nlohmann::json::parse(reply.body);
  EXPECT_EQ(report["created"], 1000);
  EXPECT_NE(c.Log("gateway").find("gateway stopped"), std::string::npos) << c.Log("gateway");
}

TEST_F(HostileClientTest, ExportsStreamAFewAtATimeAndTheRestWaitForRetryAfter) {
  nlohmann::json batch = {{"groups", nlohmann::json::array()}};
  for (int i = 0; i < 300; ++i)
    batch["groups"].push_back({{"external_id", "x" + std::to_string(i)},
                               {"name", "輸出の会" + std::to_string(i)},
                               {"activities", {{{"title", "輸出" + std::to_string(i)}, {"categories", {"ibasho"}}}}}});
  ASSERT_EQ(c.Admin("POST", "/v1/sources/s/groups:batch", batch.dump()).status, 200);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::string body;
  std::mutex mu;
  for (int i = 0; i < 12; ++i)
    clients.emplace_back([&] {
      auto r = HttpFetch(c.http_port(), "GET", "/v1/export/hsds.json");
      if (r.status == 200) {
        ++ok;
        std::lock_guard<std::mutex> lock(mu);
        if (body.empty()) body = r.body;
        EXPECT_EQ(r.body, body);                               // the same document for everyone
        EXPECT_EQ(r.headers["transfer-encoding"], "chunked");  // streamed, never held whole
      } else if (r.status == 503) {
        ++busy;
        EXPECT_FALSE(r.headers["retry-after"].empty());
      } else {
        ++other;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(nlohmann::json::parse(body)["organizations"].size(), 300u);
  // A change is in the next export.
  ASSERT_EQ(c.Admin("PUT", "/v1/sources/s/groups/x0", R"({"name":"改名した会","activities":[{"title":"t"}]})").status,
            200);
  auto after = c.Call("GET", "/v1/export/hsds.json");
  EXPECT_NE(after.raw.find("改名した会"), std::string::npos);
}

TEST(RateLimitTest, OneAddressGets429WithRetryAfterAndCannotForgeItsWayOut) {
  Cluster c({"--rate_limit_per_ip=5", "--trusted_proxies=10.9.9.9"});
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 30; ++i) {
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    auto r =
        HttpFetch(c.http_port(), "GET", "/v1/categories", "", {{"X-Forwarded-For", "192.0.2." + std::to_string(i)}});
    if (r.status == 429) {
      ++limited;
      retry_after = r.headers["retry-after"];
    } else {
      EXPECT_EQ(r.status, 200) << r.body;
    }
  }
  EXPECT_GE(limited, 15);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_TRUE(WaitUntil([&] { return c.Call("GET", "/v1/categories").status == 200; }, 3s));
}

}  // namespace
}  // namespace ibasho
