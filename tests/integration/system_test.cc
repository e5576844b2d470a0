// The whole system as users meet it: three real processes (registry, search, gateway) on loopback
// ports, a real SQLite file, a real Xapian database and real gRPC between them, driven over HTTP.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/wait.h>

#include <fstream>
#include <set>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::HasTitle;
using testing::WaitUntil;

const char* kGroup = R"({"name":"ねりま読書の会","description":"本が好きな子どもの集まり。",
  "activities":[{"title":"ひみつの図書室","description":"ふしぎな絵本をみんなで読むおはなし会です。","categories":["event"],
    "location":{"address":"東京都練馬区練馬1-1-1","lat":35.7376,"lon":139.6536},
    "schedules":[{"byday":["sat"],"opens":"10:00","closes":"11:00"}]}],
  "contacts":[{"name":"代表","phone":"03-9999-0000","email":"secret@example.invalid","visibility":"staff"},
              {"url":"https://example.org/dokusho","visibility":"public"}]})";

class SystemTest : public ::testing::Test {
 protected:
  testing::Cluster c;
};

TEST_F(SystemTest, CreateUpdateDeleteReachSearchWithinASecond) {
  auto created = c.Admin("POST", "/v1/groups", kGroup);
  ASSERT_EQ(created.status, 201) << created.raw;
  std::string id = created.body["id"];
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      WaitUntil([&] { return HasTitle(c.Search("ひみつの図書室"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));

  auto patched = c.Admin(
      "PATCH", "/v1/groups/" + id,
      R"({"activities":[{"title":"ひみつの図書室","description":"きょうりゅうの図鑑を読む会になりました。","categories":["event"]}]})",
      {{"If-Match", created.etag}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["activities"][0]["id"], created.body["activities"][0]["id"]);
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(c.Search("きょうりゅう"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_FALSE(HasTitle(c.Search("ふしぎな絵本"), "ひみつの図書室"));

  auto deleted = c.Admin("DELETE", "/v1/groups/" + id);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body["status"], "archived");
  ASSERT_TRUE(
      WaitUntil([&] { return !HasTitle(c.Search("きょうりゅう"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_EQ(c.Admin("GET", "/v1/groups/" + id).status, 200);  // archived stays in the registry
  EXPECT_EQ(c.Call("GET", "/v1/groups/" + id).status, 404);   // but is not published

  auto changes = c.Call("GET", "/v1/changes?after=0");
  ASSERT_EQ(changes.status, 200);
  ASSERT_EQ(changes.body["changes"].size(), 3u);
  EXPECT_EQ(changes.body["changes"][2]["op"], "delete");
  auto later = c.Call("GET", "/v1/changes?after=" + changes.body["next_cursor"].get<std::string>());
  EXPECT_EQ(later.body["changes"].size(), 0u);
}

TEST(SystemCommits, WritesArrivingTogetherShareIndexCommitsAndAllBecomeSearchable) {
  setenv("IBASHO_COMMIT_INTERVAL_MS", "400", 1);  // read by the search service only
  testing::Cluster c;
  unsetenv("IBASHO_COMMIT_INTERVAL_MS");
  auto revision = [&] { return c.Call("GET", "/readyz").body["replicas"][0]["index"]["revision"].get<int64_t>(); };
  auto put = [&](int i) {
    json g = {{"name", "合同練習の会" + std::to_string(i)},
              {"activities", {{{"title", "ひまわり合同練習" + std::to_string(i)}, {"categories", {"event"}}}}}};
    return c.Admin("PUT", "/v1/sources/commits/groups/g" + std::to_string(i), g.dump()).status;
  };
  ASSERT_EQ(put(0), 201);  // its commit starts an interval
  ASSERT_TRUE(
      WaitUntil([&] { return c.Search("ひまわり合同練習").body.value("total", 0) == 1; }, std::chrono::seconds(2)));
  int64_t before = revision();
  for (int i = 1; i <= 10; ++i) ASSERT_EQ(put(i), 201);
  ASSERT_TRUE(
      WaitUntil([&] { return c.Search("ひまわり合同練習").body.value("total", 0) == 11; }, std::chrono::seconds(3)));
  int64_t commits = revision() - before;
  EXPECT_GE(commits, 1);
  EXPECT_LE(commits, 3) << "ten writes within one interval should share a commit or two";
}

TEST_F(SystemTest, SearchRestartResumesFromItsCursorWithoutGapsOrDuplicates) {
  std::vector<std::string> ids;
  auto make = [&](int i) {
    json g = json::parse(kGroup);
    g["name"] = "会" + std::to_string(i);
    g["activities"][0]["title"] = "再開テスト" + std::to_string(i);
    auto r = c.Admin("POST", "/v1/groups", g.dump());
    EXPECT_EQ(r.status, 201);
    return r.body.value("id", "");
  };
  for (int i = 0; i < 5; ++i) ids.push_back(make(i));
  ASSERT_TRUE(WaitUntil([&] { return c.Search("再開テスト").body["total"] == 5; }, std::chrono::seconds(2)));
  c.StopSearch(SIGKILL);  // a crash, not a clean stop
  // Writes while search is down: two updates, one delete, two creates.
  c.Admin("PATCH", "/v1/groups/" + ids[0], R"({"description":"更新1"})");
  c.Admin("PATCH", "/v1/groups/" + ids[0], R"({"description":"更新2"})");
  c.Admin("DELETE", "/v1/groups/" + ids[1]);
  make(5);
  make(6);
  c.StartSearch();
  ASSERT_TRUE(WaitUntil([&] { return c.Search("再開テスト").body["total"] == 6; }, std::chrono::seconds(5)))
      << c.Search("再開テスト").raw << c.Log("search");
  std::set<std::string> titles;
  auto found = c.Search("再開テスト");
  for (const auto& x : found.body["results"]) EXPECT_TRUE(titles.insert(x["title"]).second);
  EXPECT_FALSE(titles.count("再開テスト1"));
  auto ready = c.Call("GET", "/readyz");
  EXPECT_EQ(ready.body["index"]["doc_count"], 6);
  auto last = c.Call("GET", "/v1/changes?after=0&page_size=1000");
  EXPECT_EQ(ready.body["index"]["applied_cursor"], last.body["next_cursor"]);
}

TEST_F(SystemTest, BadInputGetsAJsonErrorAndTheServiceKeepsRunning) {
  struct Case {
    std::string method, target, body;
    int status;
    std::string field;
  } cases[] = {
      {"POST", "/v1/groups", "{\"name\": ", 400, ""},
      {"POST", "/v1/groups", R"({"name": 42})", 400, "name"},
      {"POST", "/v1/groups",
       R"({"name":"x","activities":[{"title":"t","schedules":[{"byday":["sat"],"opens":"18:00","closes":"09:00"}]}]})",
       400, "activities[0].schedules[0].closes"},
      {"POST", "/v1/groups", R"({"name":"x","activities":[{"title":"t","location":{"lat":10,"lon":139}}]})", 400,
       "activities[0].location.lat"},
      {"POST", "/v1/groups", R"({"name":"x","name_kana":"漢字"})", 400, "name_kana"},
      {"POST", "/v1/groups", R"({"name":"x","activities":[{"title":"t","categories":["shop"]}]})", 400,
       "activities[0].categories[0]"},
      {"GET", "/v1/search?q=%FF%FE", "", 400, "q"},
      {"GET", "/v1/search?weekday=funday", "", 400, "weekday"},
      {"GET", "/v1/search?near=abc", "", 400, "near"},
      {"GET", "/v1/search?page_size=0", "", 400, "page_size"},
      {"GET", "/v1/search?q=%E5%AD%G", "", 400, "q"},
      {"GET", "/v1/groups/g_does_not_exist", "", 404, ""},
      {"PATCH", "/v1/groups/g_does_not_exist", "{}", 404, ""},
      {"GET", "/v1/nowhere", "", 404, ""},
      {"GET", "/v1/changes?after=banana", "", 400, "after"},
      {"POST", "/v1/sources/x/groups:batch", "[]", 400, "groups"},
  };
  for (const auto& k : cases) {
    auto r = c.Admin(k.method, k.target, k.body);
    EXPECT_EQ(r.status, k.status) << k.method << " " << k.target << " " << k.body;
    ASSERT_TRUE(r.body.is_object() && r.body.contains("error")) << k.target << ": " << r.raw;
    const auto& e = r.body["error"];
    EXPECT_FALSE(e["message"].get<std::string>().empty());
    EXPECT_EQ(e["code"], k.status);
    EXPECT_EQ(e["details"][0]["@type"], "type.googleapis.com/google.rpc.ErrorInfo") << r.raw;
    if (!k.field.empty()) {
      ASSERT_EQ(e["details"].size(), 2u) << r.raw;
      EXPECT_EQ(e["details"][1]["fieldViolations"][0]["field"].get<std::string>(), k.field)
          << k.target << " " << k.body;
    }
  }
  EXPECT_EQ(c.Call("GET", "/healthz").status, 200);
  EXPECT_EQ(c.Call("GET", "/readyz").status, 200);
}

TEST_F(SystemTest, ConditionalUpdateWithAStaleEtagGets412) {
  auto created = c.Admin("POST", "/v1/groups", kGroup);
  std::string id = created.body["id"];
  ASSERT_EQ(c.Admin("PATCH", "/v1/groups/" + id, R"({"description":"一人目"})", {{"If-Match", created.etag}}).status,
            200);
  auto stale = c.Admin("PATCH", "/v1/groups/" + id, R"({"description":"二人目"})", {{"If-Match", created.etag}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.etag, "\"2\"");
  EXPECT_EQ(c.Admin("GET", "/v1/groups/" + id).body["description"], "一人目");
}

TEST_F(SystemTest, SampleDataLoadsIdempotentlyAndAnswersTheFlyersWorries) {
  int rc = 0;
  c.Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
  ASSERT_EQ(rc, 0);
  std::string second = c.Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(second.find("\"unchanged\":69"), std::string::npos) << second;
  ASSERT_TRUE(
      WaitUntil([&] { return c.Call("GET", "/readyz").body["index"]["doc_count"] == 72; }, std::chrono::seconds(5)));
  auto r = c.Search("学校、行きたくない");
  ASSERT_GT(r.body["results"].size(), 0u);
  auto cats = r.body["results"][0]["categories"];
  EXPECT_NE(std::find(cats.begin(), cats.end(), "futoukou"), cats.end());
  EXPECT_EQ(c.Call("GET", "/v1/categories").body["categories"].size(), 11u);
  auto suggest = c.Call("GET", "/v1/suggest?q=" + PercentEncode("ふと"));
  EXPECT_EQ(suggest.status, 200);
  EXPECT_NE(suggest.raw.find("不登校"), std::string::npos);
}

TEST_F(SystemTest, TheRegistryAnswersOnlyCallersWithItsSecret) {
  // Any local process could reach the registry's port: without the secret it can neither mint a
  // token nor read a group's staff contacts.
  std::string wrong = c.dir().File("wrong.secret");
  {
    std::ofstream out(wrong);
    out << "0123456789abcdef0123456789abcdef\n";
  }
  std::string out_file = c.dir().File("intruder.out");
  std::string cmd = IBASHO_BINARY_DIR "/clients/ibashoctl token create --role=admin --name=intruder --registry=" +
                    c.registry_address() + " --registry_secret_file=" + wrong + " > " + out_file + " 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_NE(WEXITSTATUS(rc), 0);
  EXPECT_NE(testing::ReadFile(out_file).find("shared secret"), std::string::npos) << testing::ReadFile(out_file);
  // With the secret (as the cluster's own processes have it) the same works.
  EXPECT_FALSE(c.CreateToken("--role=admin --name=staff").empty());
}

}  // namespace
}  // namespace ibasho
