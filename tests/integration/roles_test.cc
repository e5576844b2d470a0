// Roles, review, audit, partner sync, imports and exports, end to end over HTTP against the three
// real services.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::HasTitle;
using testing::HttpResult;
using testing::WaitUntil;

// A group with one contact of each visibility; the phone numbers mark what may leak.
json GroupJson(const std::string& name, const std::string& title) {
  return json::parse(R"({"name":")" + name + R"(","description":"説明です。","verified_at":"2020-01-01",
    "activities":[{"title":")" +
                     title + R"(","description":"みんなで遊ぶ居場所です。","categories":["ibasho"],
      "location":{"address":"東京都練馬区豊玉北6-12-1"},"schedules":[{"byday":["sat"],"opens":"10:00","closes":"12:00"}]}],
    "contacts":[{"name":"受付","phone":"03-1111-0001","visibility":"public"},
                {"name":"連絡網","phone":"03-2222-0002","email":"network@example.invalid","visibility":"network"},
                {"name":"代表","phone":"03-3333-0003","email":"staff@example.invalid","visibility":"staff"}]})");
}

json WithExternalId(const std::string& group, const std::string& external_id) {
  json j = json::parse(group);
  j["external_id"] = external_id;
  return j;
}

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = Create(GroupJson("会A", "Aの居場所"));
    b_ = Create(GroupJson("会B", "Bの居場所"));
    json draft = GroupJson("下書きの会", "下書きの居場所");
    draft["status"] = "draft";
    draft_ = Create(draft);
    editor_ = c.CreateToken("--role=editor --name=会Aの代表 --group=" + a_);
    partner_ = c.CreateToken("--role=partner --name=区の連携システム --source=ward");
    ASSERT_FALSE(editor_.empty());
    ASSERT_FALSE(partner_.empty());
  }
  std::string Create(const json& g) {
    auto r = c.Admin("POST", "/v1/groups", g.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }
  std::string Etag(const std::string& id) { return c.Admin("GET", "/v1/groups/" + id).etag; }

  testing::Cluster c;
  std::string a_, b_, draft_, editor_, partner_;
};

TEST_F(RolesTest, AuthorizationMatrix) {
  enum { kAnon, kEditor, kPartner, kAdmin };
  struct Row {
    std::string name, method;
    std::function<std::string()> path;
    std::function<std::string()> body;
    std::set<int> expected[4];
    bool needs_etag = false;
  };
  auto path = [](std::string p) { return [p] { return p; }; };
  auto none = [] { return std::string(); };
  std::string csv =
      "全国地方公共団体コード,ID,名称,住所,開催曜日,開催開始時間\n131202,1,区の子ども食堂,東京都練馬区豊玉北6-12-1,土,"
      "12:00\n";
  auto body = [](std::string b) { return [b] { return b; }; };
  std::string ward_group = GroupJson("区の会", "区の居場所").dump();
  std::string batch = json({{"groups", json::array({WithExternalId(ward_group, "b1")})}}).dump();
  int fresh = 0;
  auto fresh_group = [&] {
    return "/v1/groups/" + Create(GroupJson("消す会" + std::to_string(++fresh), "消す居場所"));
  };
  auto fresh_ward = [&] {
    std::string ext = "del" + std::to_string(++fresh);
    c.Admin("PUT", "/v1/sources/ward/groups/" + ext, GroupJson("区の消す会", "区の消す居場所").dump());
    return "/v1/sources/ward/groups/" + ext;
  };
  std::vector<Row> rows = {
      {"search", "GET", path("/v1/search?q=%E5%B1%85%E5%A0%B4%E6%89%80"), none, {{200}, {200}, {200}, {200}}},
      {"suggest", "GET", path("/v1/suggest?q=a"), none, {{200}, {200}, {200}, {200}}},
      {"categories", "GET", path("/v1/categories"), none, {{200}, {200}, {200}, {200}}},
      {"changes", "GET", path("/v1/changes"), none, {{200}, {200}, {200}, {200}}},
      {"list groups", "GET", path("/v1/groups"), none, {{200}, {200}, {200}, {200}}},
      {"get published", "GET", [&] { return "/v1/groups/" + a_; }, none, {{200}, {200}, {200}, {200}}},
      {"get draft", "GET", [&] { return "/v1/groups/" + draft_; }, none, {{404}, {404}, {404}, {200}}},
      {"create",
       "POST",
       path("/v1/groups"),
       body(GroupJson("新しい会", "新しい居場所").dump()),
       {{401}, {403}, {403}, {201}}},
      {"patch own",
       "PATCH",
       [&] { return "/v1/groups/" + a_; },
       body(R"({"description":"変更"})"),
       {{401}, {202}, {403}, {200}},
       true},
      {"patch other",
       "PATCH",
       [&] { return "/v1/groups/" + b_; },
       body(R"({"description":"変更"})"),
       {{401}, {403}, {403}, {200}},
       true},
      {"archive", "DELETE", fresh_group, none, {{401}, {403}, {403}, {200}}},
      {"history own", "GET", [&] { return "/v1/groups/" + a_ + "/history"; }, none, {{401}, {200}, {403}, {200}}},
      {"history other", "GET", [&] { return "/v1/groups/" + b_ + "/history"; }, none, {{401}, {403}, {403}, {200}}},
      {"pending own",
       "GET",
       [&] { return "/v1/groups/" + a_ + "/pending"; },
       none,
       {{401}, {200, 404}, {403}, {200, 404}}},
      {"verify own", "POST", [&] { return "/v1/groups/" + a_ + "/verify"; }, none, {{401}, {200}, {403}, {200}}},
      {"verify other", "POST", [&] { return "/v1/groups/" + b_ + "/verify"; }, none, {{401}, {403}, {403}, {200}}},
      {"publish",
       "POST",
       [&] { return "/v1/groups/" + a_ + "/publish"; },
       none,
       {{401}, {403}, {403}, {200, 404, 412}}},
      {"reject",
       "POST",
       [&] { return "/v1/groups/" + b_ + "/reject"; },
       body(R"({"reason":"x"})"),
       {{401}, {403}, {403}, {404}}},
      {"put own source",
       "PUT",
       path("/v1/sources/ward/groups/e1"),
       body(ward_group),
       {{401}, {403}, {200, 201}, {200, 201}}},
      {"put other source",
       "PUT",
       path("/v1/sources/other/groups/e1"),
       body(ward_group),
       {{401}, {403}, {403}, {200, 201}}},
      {"delete own source", "DELETE", fresh_ward, none, {{401}, {403}, {200}, {200}}},
      {"batch own source", "POST", path("/v1/sources/ward/groups:batch"), body(batch), {{401}, {403}, {200}, {200}}},
      {"batch other source", "POST", path("/v1/sources/other/groups:batch"), body(batch), {{401}, {403}, {403}, {200}}},
      {"import own source", "POST", path("/v1/sources/ward/import"), body(csv), {{401}, {403}, {200}, {200}}},
      {"stale", "GET", path("/v1/admin/stale?older_than=365d"), none, {{401}, {403}, {403}, {200}}},
      {"export csv", "GET", path("/v1/export/groups.csv"), none, {{401}, {403}, {403}, {200}}},
      {"export hsds", "GET", path("/v1/export/hsds.json"), none, {{200}, {200}, {200}, {200}}},
  };
  const std::string tokens[4] = {"", editor_, partner_, testing::Cluster::kAdminToken};
  const char* names[4] = {"anonymous", "editor", "partner", "admin"};
  for (const auto& row : rows) {
    for (int role = kAnon; role <= kAdmin; ++role) {
      std::string p = row.path();
      std::map<std::string, std::string> headers;
      if (row.needs_etag) headers["If-Match"] = Etag(p.substr(p.rfind('/') + 1));
      HttpResult r = c.As(tokens[role], row.method, p, row.body(), headers);
      EXPECT_TRUE(row.expected[role].count(r.status))
          << row.name << " as " << names[role] << ": " << r.status << " " << r.raw.substr(0, 200);
      if (r.status >= 400) {
        EXPECT_TRUE(r.body.is_object() && r.body.contains("error")) << row.name;
      }
    }
  }
}

TEST_F(RolesTest, EditorChangesWaitForReviewAndTheListingStaysUntilPublished) {
  auto before = c.As(editor_, "GET", "/v1/groups/" + a_);
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(c.As(editor_, "PATCH", "/v1/groups/" + a_, R"({"description":"x"})").status, 428);  // If-Match needed
  EXPECT_EQ(c.As(editor_, "PATCH", "/v1/groups/" + a_, R"({"status":"archived"})", {{"If-Match", before.etag}}).status,
            403);
  json patch = {{"activities", json::array({{{"title", "Aの居場所"},
                                             {"description", "ふうせんで遊ぶ新しい日ができました。"},
                                             {"categories", {"ibasho"}}}})}};
  auto submitted = c.As(editor_, "PATCH", "/v1/groups/" + a_, patch.dump(), {{"If-Match", before.etag}});
  ASSERT_EQ(submitted.status, 202) << submitted.raw;
  EXPECT_EQ(submitted.body["status"], "pending_review");
  // The published listing is unchanged and still searchable.
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(c.Search("みんなで遊ぶ"), "Aの居場所"); }, std::chrono::seconds(2)));
  EXPECT_FALSE(HasTitle(c.Search("ふうせん"), "Aの居場所"));
  EXPECT_EQ(c.Call("GET", "/v1/groups/" + a_).etag, before.etag);
  auto pending = c.As(editor_, "GET", "/v1/groups/" + a_ + "/pending");
  ASSERT_EQ(pending.status, 200);
  EXPECT_NE(pending.raw.find("ふうせん"), std::string::npos);
  auto published = c.Admin("POST", "/v1/groups/" + a_ + "/publish");
  ASSERT_EQ(published.status, 200) << published.raw;
  EXPECT_TRUE(WaitUntil([&] { return HasTitle(c.Search("ふうせん"), "Aの居場所"); }, std::chrono::seconds(1)));
  EXPECT_EQ(c.Admin("GET", "/v1/groups/" + a_ + "/pending").status, 404);
  // The history names who did what, field by field.
  auto history = c.As(editor_, "GET", "/v1/groups/" + a_ + "/history");
  ASSERT_EQ(history.status, 200);
  std::vector<std::string> actions;
  bool description_diff = false;
  for (const auto& e : history.body["entries"]) {
    actions.push_back(e["action"]);
    for (const auto& ch : e["changes"])
      description_diff |= ch["path"] == "activities[0].description" &&
                          ch["after"].get<std::string>().find("ふうせん") != std::string::npos;
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "submit", "publish"}));
  EXPECT_TRUE(description_diff) << history.raw;
  EXPECT_NE(history.raw.find("会Aの代表"), std::string::npos);
}

TEST_F(RolesTest, ConcurrentEditsOneWinsTheOtherGets412AndNothingIsLost) {
  std::string etag = Etag(b_);
  HttpResult results[2];
  std::thread t1([&] {
    results[0] = c.Admin("PATCH", "/v1/groups/" + b_, R"({"description":"一人目の変更"})", {{"If-Match", etag}});
  });
  std::thread t2([&] {
    results[1] = c.Admin("PATCH", "/v1/groups/" + b_, R"({"description":"二人目の変更"})", {{"If-Match", etag}});
  });
  t1.join();
  t2.join();
  std::multiset<int> statuses = {results[0].status, results[1].status};
  EXPECT_EQ(statuses, (std::multiset<int>{200, 412}));
  int winner = results[0].status == 200 ? 0 : 1;
  EXPECT_EQ(c.Admin("GET", "/v1/groups/" + b_).body["description"], winner == 0 ? "一人目の変更" : "二人目の変更");
}

TEST_F(RolesTest, PrivateContactsNeverReachAnonymousResponses) {
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(c.Search("居場所"), "Bの居場所"); }, std::chrono::seconds(2)));
  std::vector<std::string> targets = {"/v1/groups", "/v1/groups/" + a_, "/v1/groups/" + b_, "/v1/export/hsds.json",
                                      "/v1/search?q=%E5%B1%85%E5%A0%B4%E6%89%80&page_size=100"};
  for (const auto& t : targets) {
    for (const std::string& token : {std::string(), partner_}) {
      auto r = c.As(token, "GET", t);
      ASSERT_EQ(r.status, 200) << t;
      for (const char* secret : {"03-2222-0002", "network@example.invalid", "03-3333-0003", "staff@example.invalid"})
        EXPECT_EQ(r.raw.find(secret), std::string::npos) << t << " leaks " << secret;
    }
  }
  EXPECT_NE(c.Call("GET", "/v1/groups/" + a_).raw.find("03-1111-0001"), std::string::npos);
  // An editor sees network contacts of other groups, never their staff contacts; all of its own.
  auto other = c.As(editor_, "GET", "/v1/groups/" + b_);
  EXPECT_NE(other.raw.find("03-2222-0002"), std::string::npos);
  EXPECT_EQ(other.raw.find("03-3333-0003"), std::string::npos);
  EXPECT_NE(c.As(editor_, "GET", "/v1/groups/" + a_).raw.find("03-3333-0003"), std::string::npos);
}

TEST_F(RolesTest, PartnersAndAnonymousCallersNeverSeeStaffContactsOrDrafts) {
  // The partner's listing carries staff-only contacts (for the ward); its own responses, dry runs
  // and diffs must not echo them back, and must not show network ones either.
  std::string body = WithExternalId(GroupJson("連携の会", "連携の居場所").dump(), "p1").dump();
  for (const char* target : {"/v1/sources/ward/groups/p1?dry_run=true", "/v1/sources/ward/groups/p1"}) {
    auto r = c.As(partner_, "PUT", target, body);
    EXPECT_LT(r.status, 300) << r.raw;
    EXPECT_EQ(r.raw.find("03-3333-0003"), std::string::npos) << target << ": " << r.raw;
    EXPECT_EQ(r.raw.find("03-2222-0002"), std::string::npos) << target << ": " << r.raw;
    EXPECT_NE(r.raw.find("03-1111-0001"), std::string::npos) << target << ": " << r.raw;
  }
  json changed = json::parse(body);
  changed["contacts"][2]["phone"] = "03-9999-0009";
  auto put = c.As(partner_, "PUT", "/v1/sources/ward/groups/p1?dry_run=true", changed.dump());
  EXPECT_EQ(put.raw.find("03-9999-0009"), std::string::npos) << put.raw;
  EXPECT_EQ(put.raw.find("03-3333-0003"), std::string::npos) << put.raw;
  std::string batch = json({{"groups", json::array({changed})}}).dump();
  auto dry = c.As(partner_, "POST", "/v1/sources/ward/groups:batch?dry_run=true", batch);
  EXPECT_EQ(dry.status, 200) << dry.raw;
  EXPECT_EQ(dry.raw.find("03-9999-0009"), std::string::npos) << dry.raw;
  EXPECT_EQ(dry.raw.find("03-3333-0003"), std::string::npos) << dry.raw;
  // The change feed shows an anonymous caller no draft: its changes read as deletes.
  auto feed = c.Call("GET", "/v1/changes?after=0&page_size=1000");
  ASSERT_EQ(feed.status, 200) << feed.raw;
  for (const auto& ch : feed.body["changes"])
    if (ch["group_id"] == draft_) EXPECT_EQ(ch["op"], "delete") << ch;
  auto admin_feed = c.Admin("GET", "/v1/changes?after=0&page_size=1000");
  bool draft_upsert = false;
  for (const auto& ch : admin_feed.body["changes"]) draft_upsert |= ch["group_id"] == draft_ && ch["op"] == "upsert";
  EXPECT_TRUE(draft_upsert) << admin_feed.raw;
  EXPECT_FALSE(feed.body.contains("events"));
}

TEST_F(RolesTest, PartnerSyncIsIdempotentPreviewableAndDeletesReachSearch) {
  std::string g = GroupJson("区の会", "連携の居場所").dump();
  auto preview = c.As(partner_, "PUT", "/v1/sources/ward/groups/p1?dry_run=true", g);
  ASSERT_EQ(preview.status, 200) << preview.raw;
  EXPECT_EQ(preview.body["result"], "created");
  EXPECT_GT(preview.body["diff"].size(), 0u);
  EXPECT_EQ(c.Admin("GET", "/v1/groups").raw.find("連携の居場所"), std::string::npos);  // nothing written
  auto first = c.As(partner_, "PUT", "/v1/sources/ward/groups/p1", g);
  ASSERT_EQ(first.status, 201);
  auto feed = c.Call("GET", "/v1/changes?page_size=1000");
  auto again = c.As(partner_, "PUT", "/v1/sources/ward/groups/p1", g);
  EXPECT_EQ(again.body["result"], "unchanged");
  EXPECT_EQ(c.Call("GET", "/v1/changes?page_size=1000").body["changes"].size(), feed.body["changes"].size());
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(c.Search("連携の居場所"), "連携の居場所"); }, std::chrono::seconds(1)));

  // A batch: per-item results, a bad item does not stop the good ones.
  json batch = {{"groups", json::array({WithExternalId(g, "p2"), json::parse(R"({"external_id":"p3","name":""})"),
                                        WithExternalId(g, "p1")})}};
  auto br = c.As(partner_, "POST", "/v1/sources/ward/groups:batch", batch.dump());
  ASSERT_EQ(br.status, 200) << br.raw;
  EXPECT_EQ(br.body["created"], 1);
  EXPECT_EQ(br.body["unchanged"], 1);
  EXPECT_EQ(br.body["rejected"], 1);
  EXPECT_EQ(br.body["results"][1]["error"]["field"], "groups[1].name");

  // Deleting leaves a tombstone in the feed, and the listing leaves search.
  auto del = c.As(partner_, "DELETE", "/v1/sources/ward/groups/p1");
  ASSERT_EQ(del.status, 200);
  auto changes = c.Call("GET", "/v1/changes?page_size=1000").body["changes"];
  EXPECT_EQ(changes.back()["op"], "delete");
  EXPECT_TRUE(WaitUntil([&] { return c.Search("連携の居場所").body["total"] == 1; }, std::chrono::seconds(1)));
}

TEST_F(RolesTest, CsvImportThroughTheGatewayReportsAndReimportsAsANoOp) {
  std::string csv = testing::ReadFile(
      IBASHO_SOURCE_DIR "/../shared/data/opendata/kodomo-shokudo/tokyo/131202_nerimaku_kodomosyokudo.csv");
  ASSERT_FALSE(csv.empty());
  auto first = c.As(partner_, "POST", "/v1/sources/ward/import", csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(first.status, 200) << first.raw.substr(0, 300);
  EXPECT_EQ(first.body["rows_read"], 40);
  EXPECT_EQ(first.body["created"], 40);
  EXPECT_EQ(first.body["rejected"].size(), 0u);
  auto second = c.As(partner_, "POST", "/v1/sources/ward/import", csv, {{"Content-Type", "text/csv"}});
  EXPECT_EQ(second.body["unchanged"], 40);
  EXPECT_EQ(second.body["created"], 0);
  EXPECT_EQ(second.body["updated"], 0);
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(c.Search("石神井ゆうやけ"), "石神井ゆうやけ子ども食堂"); },
                        std::chrono::seconds(2)));
}

TEST_F(RolesTest, ExportsForStaffAndHsdsRoundTrip) {
  auto csv = c.Admin("GET", "/v1/export/groups.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.raw.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.raw.find("団体名"), std::string::npos);
  EXPECT_NE(csv.raw.find("03-3333-0003"), std::string::npos);  // staff see staff contacts
  EXPECT_NE(csv.content_type.find("text/csv"), std::string::npos);
  auto hsds = c.Call("GET", "/v1/export/hsds.json");
  ASSERT_EQ(hsds.status, 200);
  size_t published = hsds.body["organizations"].size();
  EXPECT_EQ(published, 2u);  // the draft is not exported
  auto imported = c.Admin("POST", "/v1/sources/copy/import", hsds.body["organizations"].dump(),
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(imported.status, 200) << imported.raw;
  EXPECT_EQ(imported.body["created"], 2);
  auto again = c.Admin("POST", "/v1/sources/copy/import", hsds.body["organizations"].dump(),
                       {{"Content-Type", "application/json"}});
  EXPECT_EQ(again.body["unchanged"], 2);
}

TEST_F(RolesTest, StaleListingsAndVerification) {
  auto stale = c.Admin("GET", "/v1/admin/stale?older_than=365d");
  ASSERT_EQ(stale.status, 200);
  std::set<std::string> ids;
  for (const auto& g : stale.body["groups"]) ids.insert(g["id"]);
  EXPECT_TRUE(ids.count(a_));
  ASSERT_EQ(c.As(editor_, "POST", "/v1/groups/" + a_ + "/verify").status, 200);
  ids.clear();
  auto after = c.Admin("GET", "/v1/admin/stale?older_than=365d");
  for (const auto& g : after.body["groups"]) ids.insert(g["id"]);
  EXPECT_FALSE(ids.count(a_));
  EXPECT_TRUE(ids.count(b_));
  EXPECT_EQ(c.Admin("GET", "/v1/admin/stale?older_than=soon").status, 400);
}

TEST_F(RolesTest, RevokedTokensStopWorking) {
  auto list = json::parse(c.Ctl("token list"));
  std::string editor_id;
  for (const auto& t : list)
    if (t["role"] == "editor") editor_id = t["id"];
  ASSERT_FALSE(editor_id.empty());
  EXPECT_EQ(list.dump().find(editor_), std::string::npos);  // secrets are never listed
  int rc = 0;
  c.Ctl("token revoke " + editor_id, &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_TRUE(WaitUntil([&] { return c.As(editor_, "GET", "/v1/groups/" + a_ + "/history").status == 401; },
                        std::chrono::seconds(15)));
}

}  // namespace
}  // namespace ibasho
