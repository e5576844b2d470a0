// The whole system as users meet it: three real processes (registry, search, gateway) on loopback
// ports, a real SQLite file, a real Xapian database and real gRPC between them, driven over HTTP.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace ibasho {
namespace {

namespace http = boost::beast::http;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Response {
  int status = 0;
  json body;
  std::string etag;
};

class Process {
 public:
  Process(std::vector<std::string> args, const std::string& log) : args_(std::move(args)), log_(log) { Start(); }
  ~Process() { Stop(SIGTERM); }
  void Start() {
    std::vector<char*> argv;
    for (auto& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      // Child: log to the file, and inherit no other descriptor of the test process.
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      for (int i = 3; i < 1024; ++i) close(i);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  void Stop(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::vector<std::string> args_;
  std::string log_;
  pid_t pid_ = -1;
};

class SystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_addr_ = "127.0.0.1:" + std::to_string(testing::FreePort());
    search_addr_ = "127.0.0.1:" + std::to_string(testing::FreePort());
    http_port_ = testing::FreePort();
    std::string bin = IBASHO_BINARY_DIR "/services/";
    registry_ = std::make_unique<Process>(
        std::vector<std::string>{bin + "ibasho-registry", "--db=" + dir_.File("registry.db"), "--listen=" + registry_addr_},
        dir_.File("registry.log"));
    StartSearch();
    gateway_ = std::make_unique<Process>(
        std::vector<std::string>{bin + "gateway/ibasho-gateway", "--port=" + std::to_string(http_port_),
                                 "--registry=" + registry_addr_, "--search=" + search_addr_, "--admin_token=" + std::string(kToken)},
        dir_.File("gateway.log"));
    ASSERT_TRUE(WaitUntil([&] { return Call("GET", "/readyz").status == 200; }, std::chrono::seconds(10)))
        << testing::ReadFile(dir_.File("search.log"));
  }
  void StartSearch() {
    search_ = std::make_unique<Process>(
        std::vector<std::string>{IBASHO_BINARY_DIR "/services/ibasho-search", "--index=" + dir_.File("index"),
                                 "--listen=" + search_addr_, "--registry=" + registry_addr_},
        dir_.File("search.log"));
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                std::map<std::string, std::string> headers = {}) {
    Response out;
    try {
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket socket(io);
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(http_port_)});
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, "localhost");
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      http::write(socket, req);
      boost::beast::flat_buffer buf;
      http::response<http::string_body> resp;
      http::read(socket, buf, resp);
      out.status = resp.result_int();
      out.etag = std::string(resp[http::field::etag]);
      out.body = json::parse(resp.body(), nullptr, false);
    } catch (const std::exception&) {
      out.status = -1;
    }
    return out;
  }
  Response Admin(const std::string& method, const std::string& target, const std::string& body = "",
                 std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + std::string(kToken);
    return Call(method, target, body, headers);
  }
  Response SearchFor(const std::string& q) {
    std::string enc;
    for (unsigned char c : q) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      enc += buf;
    }
    return Call("GET", "/v1/search?page_size=100&q=" + enc);
  }
  static bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    auto end = Clock::now() + limit;
    while (Clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }
  static bool HasTitle(const Response& r, const std::string& title) {
    if (!r.body.contains("results")) return false;
    for (const auto& x : r.body["results"])
      if (x["title"] == title) return true;
    return false;
  }

  static constexpr const char* kToken = "test-admin-token";
  testing::TempDir dir_;
  std::string registry_addr_, search_addr_;
  int http_port_ = 0;
  std::unique_ptr<Process> registry_, search_, gateway_;
};

const char* kGroup = R"({"name":"ねりま読書の会","description":"本が好きな子どもの集まり。",
  "activities":[{"title":"ひみつの図書室","description":"ふしぎな絵本をみんなで読むおはなし会です。","categories":["event"],
    "location":{"address":"東京都練馬区練馬1-1-1","lat":35.7376,"lon":139.6536},
    "schedules":[{"byday":["sat"],"opens":"10:00","closes":"11:00"}]}],
  "contacts":[{"name":"代表","phone":"03-9999-0000","email":"secret@example.invalid","visibility":"staff"},
              {"url":"https://example.org/dokusho","visibility":"public"}]})";

TEST_F(SystemTest, CreateUpdateDeleteReachSearchWithinASecond) {
  Response created = Admin("POST", "/v1/groups", kGroup);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  std::string id = created.body["id"];
  auto t0 = Clock::now();
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(SearchFor("ひみつの図書室"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1));

  Response patched = Admin("PATCH", "/v1/groups/" + id,
                           R"({"activities":[{"title":"ひみつの図書室","description":"きょうりゅうの図鑑を読む会になりました。","categories":["event"]}]})",
                           {{"If-Match", created.etag}});
  ASSERT_EQ(patched.status, 200) << patched.body.dump();
  EXPECT_EQ(patched.body["activities"][0]["id"], created.body["activities"][0]["id"]);
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(SearchFor("きょうりゅう"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_FALSE(HasTitle(SearchFor("ふしぎな絵本"), "ひみつの図書室"));

  Response deleted = Admin("DELETE", "/v1/groups/" + id);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body["status"], "archived");
  ASSERT_TRUE(WaitUntil([&] { return !HasTitle(SearchFor("きょうりゅう"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  EXPECT_EQ(Admin("GET", "/v1/groups/" + id).status, 200);  // archived stays in the registry
  EXPECT_EQ(Call("GET", "/v1/groups/" + id).status, 404);   // but is not published

  Response changes = Call("GET", "/v1/changes?after=0");
  ASSERT_EQ(changes.status, 200);
  ASSERT_EQ(changes.body["changes"].size(), 3u);
  EXPECT_EQ(changes.body["changes"][2]["op"], "delete");
  Response later = Call("GET", "/v1/changes?after=" + changes.body["next_cursor"].get<std::string>());
  EXPECT_EQ(later.body["changes"].size(), 0u);
}

TEST_F(SystemTest, SearchRestartResumesFromItsCursorWithoutGapsOrDuplicates) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    json g = json::parse(kGroup);
    g["name"] = "会" + std::to_string(i);
    g["activities"][0]["title"] = "再開テスト" + std::to_string(i);
    Response r = Admin("POST", "/v1/groups", g.dump());
    ASSERT_EQ(r.status, 201);
    ids.push_back(r.body["id"]);
  }
  ASSERT_TRUE(WaitUntil([&] { return SearchFor("再開テスト").body["total"] == 5; }, std::chrono::seconds(2)));
  search_->Stop(SIGKILL);  // a crash, not a clean stop
  // Writes while search is down: two updates, one delete, two creates.
  json upd = json::parse(kGroup);
  Admin("PATCH", "/v1/groups/" + ids[0], R"({"description":"更新1"})");
  Admin("PATCH", "/v1/groups/" + ids[0], R"({"description":"更新2"})");
  Admin("DELETE", "/v1/groups/" + ids[1]);
  for (int i = 5; i < 7; ++i) {
    json g = json::parse(kGroup);
    g["name"] = "会" + std::to_string(i);
    g["activities"][0]["title"] = "再開テスト" + std::to_string(i);
    ASSERT_EQ(Admin("POST", "/v1/groups", g.dump()).status, 201);
  }
  StartSearch();
  ASSERT_TRUE(WaitUntil([&] { return SearchFor("再開テスト").body["total"] == 6; }, std::chrono::seconds(5)))
      << SearchFor("再開テスト").body.dump() << testing::ReadFile(dir_.File("search.log"));
  std::set<std::string> titles;
  for (const auto& x : SearchFor("再開テスト").body["results"]) EXPECT_TRUE(titles.insert(x["title"]).second);
  EXPECT_FALSE(titles.count("再開テスト1"));
  Response ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.body["index"]["doc_count"], 6);
  Response last = Call("GET", "/v1/changes?after=0&page_size=1000");
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
      {"POST", "/v1/groups", R"({"name":"x","activities":[{"title":"t","schedules":[{"byday":["sat"],"opens":"18:00","closes":"09:00"}]}]})",
       400, "activities[0].schedules[0].closes"},
      {"POST", "/v1/groups", R"({"name":"x","activities":[{"title":"t","location":{"lat":10,"lon":139}}]})", 400,
       "activities[0].location.lat"},
      {"GET", "/v1/search?q=%FF%FE", "", 400, "q"},
      {"GET", "/v1/search?weekday=funday", "", 400, "weekday"},
      {"GET", "/v1/search?near=abc", "", 400, "near"},
      {"GET", "/v1/search?page_size=0", "", 400, "page_size"},
      {"GET", "/v1/search?q=%E5%AD%G", "", 400, "q"},
      {"GET", "/v1/groups/g_does_not_exist", "", 404, ""},
      {"PATCH", "/v1/groups/g_does_not_exist", "{}", 404, ""},
      {"GET", "/v1/nowhere", "", 404, ""},
      {"GET", "/v1/changes?after=banana", "", 400, "after"},
  };
  for (const auto& c : cases) {
    Response r = Admin(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body;
    ASSERT_TRUE(r.body.contains("error")) << c.target << ": " << r.body.dump();
    EXPECT_FALSE(r.body["error"]["message"].get<std::string>().empty());
    if (!c.field.empty()) EXPECT_EQ(r.body["error"]["field"].get<std::string>(), c.field) << c.target << " " << c.body;
  }
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
}

TEST_F(SystemTest, WritesNeedTheTokenAndPrivateContactsNeverLeak) {
  EXPECT_EQ(Call("POST", "/v1/groups", kGroup).status, 401);
  EXPECT_EQ(Call("POST", "/v1/groups", kGroup, {{"Authorization", "Bearer wrong"}}).status, 403);
  Response created = Admin("POST", "/v1/groups", kGroup);
  ASSERT_EQ(created.status, 201);
  std::string id = created.body["id"];
  ASSERT_TRUE(WaitUntil([&] { return HasTitle(SearchFor("ひみつの図書室"), "ひみつの図書室"); }, std::chrono::seconds(1)));
  for (const std::string& target : {"/v1/groups/" + id, std::string("/v1/groups"), std::string("/v1/search?q=%E5%9B%B3%E6%9B%B8")}) {
    Response r = Call("GET", target);
    ASSERT_EQ(r.status, 200) << target;
    std::string dump = r.body.dump();
    EXPECT_EQ(dump.find("03-9999-0000"), std::string::npos) << target;
    EXPECT_EQ(dump.find("secret@example.invalid"), std::string::npos) << target;
  }
  EXPECT_NE(Call("GET", "/v1/search?q=%E5%9B%B3%E6%9B%B8").body.dump().find("https://example.org/dokusho"), std::string::npos);
  EXPECT_NE(Admin("GET", "/v1/groups/" + id).body.dump().find("03-9999-0000"), std::string::npos);
}

TEST_F(SystemTest, ConditionalUpdateWithAStaleEtagGets412) {
  Response created = Admin("POST", "/v1/groups", kGroup);
  std::string id = created.body["id"];
  ASSERT_EQ(Admin("PATCH", "/v1/groups/" + id, R"({"description":"一人目"})", {{"If-Match", created.etag}}).status, 200);
  Response stale = Admin("PATCH", "/v1/groups/" + id, R"({"description":"二人目"})", {{"If-Match", created.etag}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.etag, "\"2\"");
  EXPECT_EQ(Admin("GET", "/v1/groups/" + id).body["description"], "一人目");
}

TEST_F(SystemTest, SampleDataLoadsIdempotentlyAndAnswersTheFlyersWorries) {
  std::string ctl = IBASHO_BINARY_DIR "/clients/ibashoctl";
  std::string cmd = ctl + " load " IBASHO_SOURCE_DIR "/data/sample/groups.json --registry=" + registry_addr_ + " > " +
                    dir_.File("load.out");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(testing::ReadFile(dir_.File("load.out")).find("\"unchanged\":69"), std::string::npos);
  ASSERT_TRUE(WaitUntil([&] { return Call("GET", "/readyz").body["index"]["doc_count"] == 72; }, std::chrono::seconds(5)));
  Response r = SearchFor("学校、行きたくない");
  ASSERT_GT(r.body["results"].size(), 0u);
  auto cats = r.body["results"][0]["categories"];
  EXPECT_NE(std::find(cats.begin(), cats.end(), "futoukou"), cats.end());
  Response categories = Call("GET", "/v1/categories");
  EXPECT_EQ(categories.body["categories"].size(), 11u);
  Response suggest = Call("GET", "/v1/suggest?q=%E3%81%B5%E3%81%A8");  // ふと
  EXPECT_EQ(suggest.status, 200);
  EXPECT_NE(suggest.body.dump().find("不登校"), std::string::npos);
}

}  // namespace
}  // namespace ibasho
