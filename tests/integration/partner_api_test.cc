// The API as partners and other sites meet it: CORS, caching, standard errors in English and
// Japanese, and whole-source sync (filters, the change feed with bodies, replace).
#include <gtest/gtest.h>

#include <thread>

#include "common/url.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HasTitle;
using testing::HttpResult;
using testing::WaitUntil;

constexpr char kWardSite[] = "https://www.city.nerima.tokyo.jp";

json Listing(const std::string& external_id, const std::string& name) {
  json g = json::parse(R"({"description":"地域のこども食堂です。","verified_at":"2026-11-01",
    "activities":[{"title":"こども食堂","description":"毎週土曜のごはん会","categories":["kodomo_shokudo"],
      "location":{"address":"東京都練馬区豊玉北6-12-1","municipality":"練馬区"},
      "schedules":[{"byday":["sat"],"opens":"12:00","closes":"14:00"}]}],
    "contacts":[{"name":"受付","phone":"03-1111-0001","visibility":"public"},
                {"name":"代表","phone":"03-3333-0003","visibility":"staff"}]})");
  g["external_id"] = external_id;
  g["name"] = name;
  return g;
}

json Batch(std::initializer_list<std::pair<const char*, const char*>> rows) {
  json groups = json::array();
  for (const auto& [id, name] : rows) groups.push_back(Listing(id, name));
  return {{"groups", groups}};
}

std::string Header(const HttpResult& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::vector<std::string> Strings(const json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

class PartnerApiTest : public ::testing::Test {
 protected:
  PartnerApiTest() : c({std::string("--cors_origins=") + kWardSite + ", https://partner.example"}) {
    partner = c.CreateToken("--role=partner --name=子ども食堂ネット --source=shokudo-net");
  }
  HttpResult Partner(const std::string& method, const std::string& target, const std::string& body = "") {
    return c.As(partner, method, target, body);
  }
  Cluster c;
  std::string partner;
};

TEST_F(PartnerApiTest, AllowedOriginsGetCorsHeadersOthersDoNot) {
  HttpResult ok = c.Call("GET", "/v1/search?q=食堂", "", {{"Origin", kWardSite}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(Header(ok, "access-control-allow-origin"), kWardSite);
  EXPECT_EQ(Header(ok, "vary"), "Origin");
  EXPECT_NE(Header(ok, "access-control-expose-headers").find("ETag"), std::string::npos);
  EXPECT_EQ(Header(ok, "cache-control"), "public, max-age=10");

  HttpResult other = c.Call("GET", "/v1/search?q=食堂", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(Header(other, "access-control-allow-origin"), "");
  EXPECT_EQ(Header(other, "vary"), "Origin");

  // Errors carry the headers too, so the page can read them.
  HttpResult bad = c.Call("GET", "/v1/search?page_size=0", "", {{"Origin", kWardSite}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Header(bad, "access-control-allow-origin"), kWardSite);
}

TEST_F(PartnerApiTest, PreflightNamesTheMethodsOfThePath) {
  HttpResult pre = c.Call("OPTIONS", "/v1/groups", "",
                          {{"Origin", kWardSite},
                           {"Access-Control-Request-Method", "POST"},
                           {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(Header(pre, "access-control-allow-origin"), kWardSite);
  EXPECT_NE(Header(pre, "access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(Header(pre, "access-control-allow-headers").find("Authorization"), std::string::npos);
  EXPECT_NE(Header(pre, "allow").find("OPTIONS"), std::string::npos);

  HttpResult foreign = c.Call("OPTIONS", "/v1/groups", "",
                              {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(Header(foreign, "access-control-allow-origin"), "");
  EXPECT_EQ(Header(foreign, "access-control-allow-methods"), "");

  EXPECT_EQ(c.Call("OPTIONS", "/v1/nothing-here").status, 404);
}

TEST_F(PartnerApiTest, ResponsesForTokenHoldersAreNotCached) {
  ASSERT_EQ(Partner("POST", "/v1/sources/shokudo-net/groups:batch", Batch({{"s1", "豊玉こども食堂"}}).dump()).status,
            200);
  HttpResult mine = Partner("GET", "/v1/groups?source=shokudo-net");
  EXPECT_EQ(Header(mine, "cache-control"), "private, no-store");
  EXPECT_EQ(Header(c.Call("GET", "/v1/groups"), "cache-control"), "no-cache");
  EXPECT_EQ(Header(c.Call("GET", "/v1/categories"), "cache-control"), "public, max-age=3600");
}

TEST_F(PartnerApiTest, ErrorsUseCanonicalStatusesAndSpeakJapaneseWhenAsked) {
  HttpResult method = c.Call("PUT", "/v1/search");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.body["error"]["status"], "UNIMPLEMENTED");
  EXPECT_EQ(method.body["error"]["details"][0]["reason"], "METHOD_NOT_ALLOWED");

  HttpResult ja = c.Call("GET", "/v1/search?page_size=0", "", {{"Accept-Language", "ja,en;q=0.7"}});
  ASSERT_EQ(ja.status, 400);
  const json& e = ja.body["error"];
  EXPECT_EQ(e["code"], 400);
  EXPECT_EQ(e["status"], "INVALID_ARGUMENT");
  EXPECT_NE(e["message"].get<std::string>().find("入力内容に誤り"), std::string::npos) << ja.raw;
  EXPECT_NE(e["message"].get<std::string>().find("page_size"), std::string::npos) << ja.raw;

  HttpResult en = c.Call("GET", "/v1/search?page_size=0", "", {{"Accept-Language", "en"}});
  EXPECT_EQ(en.body["error"]["message"].get<std::string>().find("入力"), std::string::npos);

  HttpResult anon = c.Call("POST", "/v1/groups", "{}", {{"Accept-Language", "ja"}});
  EXPECT_EQ(anon.status, 401);
  EXPECT_NE(anon.body["error"]["message"].get<std::string>().find("認証"), std::string::npos) << anon.raw;
}

TEST_F(PartnerApiTest, ListsFilterBySourceAndModificationTime) {
  ASSERT_EQ(Partner("POST", "/v1/sources/shokudo-net/groups:batch",
                    Batch({{"s1", "豊玉こども食堂"}, {"s2", "石神井こども食堂"}}).dump())
                .status,
            200);
  ASSERT_EQ(c.Admin("POST", "/v1/sources/other/groups:batch", Batch({{"o1", "よそのこども食堂"}}).dump()).status, 200);
  HttpResult mine = c.Call("GET", "/v1/groups?source=shokudo-net");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body["groups"].size(), 2u);

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  HttpResult later = c.Call("GET", "/v1/groups?modified_after=" + PercentEncode("2099-01-01T00:00:00+09:00"));
  EXPECT_EQ(later.body.value("groups", json::array()).size(), 0u) << later.raw;

  json changed = Listing("s2", "石神井こども食堂（移転）");
  HttpResult put = Partner("PUT", "/v1/sources/shokudo-net/groups/s2", changed.dump());
  ASSERT_EQ(put.status, 200) << put.raw;
  HttpResult since = c.Call("GET", "/v1/groups?source=shokudo-net&modified_after=" +
                                       PercentEncode(mine.body["groups"][1]["updated_at"].get<std::string>()));
  ASSERT_EQ(since.status, 200) << since.raw;
  std::vector<std::string> names;
  for (const auto& g : since.body["groups"]) names.push_back(g["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "石神井こども食堂（移転）"), names.end()) << since.raw;

  HttpResult bad = c.Call("GET", "/v1/groups?modified_after=yesterday");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"][1]["fieldViolations"][0]["field"], "modified_after") << bad.raw;
}

TEST_F(PartnerApiTest, ChangeFeedCarriesPublicBodiesAndTombstonesStayIds) {
  ASSERT_EQ(Partner("POST", "/v1/sources/shokudo-net/groups:batch",
                    Batch({{"s1", "豊玉こども食堂"}, {"s2", "石神井こども食堂"}}).dump())
                .status,
            200);
  ASSERT_EQ(Partner("DELETE", "/v1/sources/shokudo-net/groups/s2").status, 200);
  HttpResult feed = c.Call("GET", "/v1/changes?include=group");
  ASSERT_EQ(feed.status, 200) << feed.raw;
  int bodies = 0, tombstones = 0;
  for (const auto& ch : feed.body["changes"]) {
    if (ch["op"] == "delete") {
      ++tombstones;
      EXPECT_FALSE(ch.contains("group")) << ch.dump();
      continue;
    }
    ++bodies;
    ASSERT_TRUE(ch.contains("group")) << ch.dump();
    EXPECT_EQ(ch["group"]["id"], ch["group_id"]);
    EXPECT_EQ(ch["group"]["name"], "豊玉こども食堂");
    EXPECT_EQ(ch["group"]["contacts"].size(), 1u) << "only the public contact: " << ch.dump();
  }
  // s2's creation now reads as a delete too: the group it names is archived.
  EXPECT_EQ(bodies, 1);
  EXPECT_EQ(tombstones, 2);
  EXPECT_NE(feed.raw.find("03-1111-0001"), std::string::npos);
  EXPECT_EQ(feed.raw.find("03-3333-0003"), std::string::npos) << "a staff contact leaked";

  HttpResult ids = c.Call("GET", "/v1/changes");
  EXPECT_FALSE(ids.body["changes"][0].contains("group"));
  EXPECT_EQ(c.Call("GET", "/v1/changes?include=everything").status, 400);
}

TEST_F(PartnerApiTest, ReplaceArchivesWhatTheFileNoLongerHoldsAfterADryRun) {
  ASSERT_EQ(Partner("POST", "/v1/sources/shokudo-net/groups:batch",
                    Batch({{"s1", "豊玉こども食堂"}, {"s2", "石神井こども食堂"}, {"s3", "閉店したこども食堂"}}).dump())
                .status,
            200);
  std::string next =
      Batch({{"s1", "豊玉こども食堂"}, {"s2", "石神井こども食堂（改）"}, {"s4", "新しいこども食堂"}}).dump();

  HttpResult dry = Partner("POST", "/v1/sources/shokudo-net/groups:batch?replace=true&dry_run=true", next);
  ASSERT_EQ(dry.status, 200) << dry.raw;
  EXPECT_EQ(Strings(dry.body["external_ids"]["archived"]), std::vector<std::string>{"s3"});
  EXPECT_EQ(Strings(dry.body["external_ids"]["created"]), std::vector<std::string>{"s4"});
  EXPECT_EQ(Strings(dry.body["external_ids"]["updated"]), std::vector<std::string>{"s2"});
  EXPECT_EQ(Strings(dry.body["external_ids"]["unchanged"]), std::vector<std::string>{"s1"});
  EXPECT_EQ(c.Call("GET", "/v1/groups?source=shokudo-net").body["groups"].size(), 3u) << "a dry run wrote";

  HttpResult real = Partner("POST", "/v1/sources/shokudo-net/groups:batch?replace=true", next);
  ASSERT_EQ(real.status, 200) << real.raw;
  EXPECT_EQ(real.body["archived"], 1);
  HttpResult listed = c.Call("GET", "/v1/groups?source=shokudo-net");
  std::vector<std::string> names;
  for (const auto& g : listed.body["groups"]) names.push_back(g["name"]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"新しいこども食堂", "石神井こども食堂（改）", "豊玉こども食堂"}))
      << real.raw << "\n"
      << listed.raw;
  EXPECT_TRUE(WaitUntil([&] { return !HasTitle(c.Search("閉店したこども食堂"), "閉店したこども食堂"); },
                        std::chrono::seconds(5)));
  // The partner still sees its archived listing (to sync), the public does not.
  HttpResult own = Partner("GET", "/v1/groups?source=shokudo-net");
  EXPECT_EQ(own.body["groups"].size(), 4u);
}

TEST_F(PartnerApiTest, ReplaceArchivesNothingWhenRowsAreRejected) {
  ASSERT_EQ(Partner("POST", "/v1/sources/shokudo-net/groups:batch",
                    Batch({{"s1", "豊玉こども食堂"}, {"s2", "石神井こども食堂"}}).dump())
                .status,
            200);
  json next = Batch({{"s1", "豊玉こども食堂"}});
  next["groups"].push_back({{"external_id", "s9"}, {"name", ""}});  // rejected: no name
  HttpResult r = Partner("POST", "/v1/sources/shokudo-net/groups:batch?replace=true", next.dump());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["rejected"], 1);
  EXPECT_TRUE(r.body.contains("replace_skipped")) << r.raw;
  EXPECT_EQ(r.body["external_ids"]["archived"].size(), 0u);
  EXPECT_EQ(c.Call("GET", "/v1/groups?source=shokudo-net").body["groups"].size(), 2u);
}

}  // namespace
}  // namespace ibasho
