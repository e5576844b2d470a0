// The public web side of the gateway over the real services: sessions (/v1/events), iCalendar
// feeds, activity pages, the printed guide, the page's security headers and caching.
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/url.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HttpResult;
using testing::WaitUntil;

class WebApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    // A listing with a contact of each visibility: only the public one may reach any page.
    json group = json::parse(R"({"name":"月曜の会","activities":[{"title":"月曜の居場所","description":"説明です。",
      "categories":["ibasho"],"location":{"address":"東京都練馬区豊玉北6-12-1","lat":35.7336,"lon":139.6593},
      "schedules":[{"byday":["mon"],"opens":"15:00","closes":"18:00"}]}],
      "contacts":[{"name":"受付","phone":"03-1111-0001","visibility":"public"},
                  {"name":"代表","phone":"03-3333-0003","email":"staff@example.invalid","visibility":"staff"}]})");
    HttpResult created = cluster_->Admin("POST", "/v1/groups", group.dump());
    ASSERT_EQ(created.status, 201) << created.raw;
    activity_id_ = new std::string(created.body["activities"][0]["id"]);
    int rc = -1;
    cluster_->Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
    ASSERT_EQ(rc, 0);
    ASSERT_TRUE(WaitUntil([] { return cluster_->Call("GET", "/v1/search?page_size=1").body.value("total", 0) >= 60; },
                          std::chrono::seconds(20)));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete activity_id_;
  }
  static Cluster* cluster_;
  static std::string* activity_id_;
};
Cluster* WebApiTest::cluster_ = nullptr;
std::string* WebApiTest::activity_id_ = nullptr;

TEST_F(WebApiTest, EventsAreSessionsInOrderWithinTheRange) {
  HttpResult r = cluster_->Call("GET", "/v1/events?from=2026-12-01&to=2026-12-14&category=kodomo_shokudo");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_GT(r.body["events"].size(), 3u);
  std::string last;
  for (const json& e : r.body["events"]) {
    std::string start = e["start"];
    EXPECT_GE(start, last);
    EXPECT_GE(start.substr(0, 10), "2026-12-01");
    EXPECT_LE(start.substr(0, 10), "2026-12-14");
    EXPECT_FALSE(e["title"].get<std::string>().empty());
    last = start;
  }
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=60");
}

TEST_F(WebApiTest, EventsDefaultToTheComingMonthAndRejectBadRanges) {
  HttpResult r = cluster_->Call("GET", "/v1/events");
  ASSERT_EQ(r.status, 200);
  EXPECT_GT(r.body["events"].size(), 0u);
  const struct {
    const char* query;
    const char* field;
  } bad[] = {{"from=2026-13-01", "from"},
             {"from=2026-12-10&to=2026-12-01", "to"},
             {"from=2026-01-01&to=2026-12-31", "to"},
             {"limit=0", "limit"},
             {"weekday=someday", "weekday"}};
  for (const auto& b : bad) {
    HttpResult e = cluster_->Call("GET", std::string("/v1/events?") + b.query);
    EXPECT_EQ(e.status, 400) << b.query;
    EXPECT_EQ(e.body["error"]["details"][1]["fieldViolations"][0]["field"], b.field) << b.query << " " << e.raw;
  }
}

TEST_F(WebApiTest, CalendarFeedIsICalendarInTokyoTime) {
  HttpResult r = cluster_->Call("GET", "/v1/calendar.ics?category=ibasho");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/calendar; charset=utf-8");
  EXPECT_TRUE(r.raw.find("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") != std::string::npos);
  EXPECT_NE(r.raw.find("TZID:Asia/Tokyo"), std::string::npos);
  EXPECT_NE(r.raw.find("DTSTART;TZID=Asia/Tokyo:"), std::string::npos);
  EXPECT_NE(r.raw.find("UID:" + *activity_id_ + "-"), std::string::npos);
  HttpResult one = cluster_->Call("GET", "/v1/activities/" + *activity_id_ + "/calendar.ics");
  ASSERT_EQ(one.status, 200);
  EXPECT_NE(one.raw.find("SUMMARY:月曜の居場所（月曜の会）"), std::string::npos);
  EXPECT_NE(one.raw.find("T150000"), std::string::npos);
  EXPECT_EQ(cluster_->Call("GET", "/v1/activities/a_000000000000/calendar.ics").status, 404);
}

TEST_F(WebApiTest, ActivityCarriesPublicContactsOnly) {
  HttpResult r = cluster_->Call("GET", "/v1/activities/" + *activity_id_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["title"], "月曜の居場所");
  EXPECT_EQ(r.body["contact"]["phone"], "03-1111-0001");
  EXPECT_EQ(r.raw.find("03-3333-0003"), std::string::npos);
  EXPECT_EQ(r.raw.find("staff@example.invalid"), std::string::npos);
  EXPECT_GT(r.body["upcoming"].size(), 6u);  // every Monday for 62 days
  EXPECT_EQ(cluster_->Call("GET", "/v1/activities/a_000000000000").status, 404);
}

TEST_F(WebApiTest, PagesHaveAStrictContentSecurityPolicyAndRevalidate) {
  HttpResult page = cluster_->Call("GET", "/");
  ASSERT_EQ(page.status, 200) << "is the web page built? " << page.raw.substr(0, 200);
  const std::string csp = page.headers["content-security-policy"];
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("img-src 'self' data: https://cyberjapandata.gsi.go.jp"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  EXPECT_EQ(page.raw.find("<script>"), std::string::npos);  // no inline script
  ASSERT_FALSE(page.etag.empty());
  EXPECT_EQ(cluster_->Call("GET", "/", "", {{"If-None-Match", page.etag}}).status, 304);

  size_t src = page.raw.find("/assets/");
  ASSERT_NE(src, std::string::npos);
  std::string asset = page.raw.substr(src, page.raw.find('"', src) - src);
  HttpResult js = cluster_->Call("GET", asset);
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(cluster_->Call("GET", "/assets/nothing-here.js").status, 404);
}

TEST_F(WebApiTest, ActivityPageLinksPreviewWithTheListingName) {
  HttpResult page = cluster_->Call("GET", "/a/" + *activity_id_);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.raw.find("<meta property=\"og:title\" content=\"月曜の居場所（月曜の会） | ibasho\">"),
            std::string::npos);
  HttpResult gone = cluster_->Call("GET", "/a/a_000000000000");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.content_type, "text/html; charset=utf-8");
}

TEST_F(WebApiTest, GuideIsPrintableHtmlWhoseStyleTheCspAllowsByHash) {
  HttpResult r =
      cluster_->Call("GET", "/guide?municipality=" + PercentEncode("練馬区") + "&town=" + PercentEncode("豊玉北"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.raw.find("月曜の居場所"), std::string::npos);
  EXPECT_NE(r.raw.find("<svg"), std::string::npos);
  EXPECT_EQ(r.raw.find("03-3333-0003"), std::string::npos);
  EXPECT_EQ(r.raw.find("<script"), std::string::npos);
  size_t open = r.raw.find("<style>") + 7;
  std::string style = r.raw.substr(open, r.raw.find("</style>") - open);
  EXPECT_NE(r.headers["content-security-policy"].find("style-src 'sha256-" + Sha256Base64(style) + "'"),
            std::string::npos);
  // Every listing printed is in the town asked for.
  EXPECT_EQ(r.raw.find("光が丘"), std::string::npos);
}

}  // namespace
}  // namespace ibasho
