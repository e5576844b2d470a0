// Drives the real ibasho-sync binary against the real system, as a partner would.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HttpResult;

const std::string kNerima =
    IBASHO_SOURCE_DIR "/../shared/data/opendata/kodomo-shokudo/tokyo/131202_nerimaku_kodomosyokudo.csv";

struct SyncRun {
  int exit_code = -1;
  std::string out, err;
};

// Five 子ども食堂 in the open-data schema; rows names the IDs to include, and an empty name
// makes a row the importer rejects.
std::string SmallCsv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string csv =
      "全国地方公共団体コード,ID,都道府県,市区町村名,名称,名称_カナ,住所,開催曜日,開催開始時間,開催終了時間\n";
  for (const auto& [id, name] : rows)
    csv += "131202," + id + ",東京都,練馬区," + name + ",,東京都練馬区豊玉北6-12-1,土,12:00,14:00\n";
  return csv;
}

class SyncToolTest : public ::testing::Test {
 protected:
  SyncToolTest() { token = c.CreateToken("--role=partner --name=区の連携 --source=ward"); }

  // prefix goes before the command (e.g. "timeout -s INT 3").
  SyncRun Sync(const std::string& args, const std::string& prefix = "") {
    std::string out = c.dir().File("sync.out"), err = c.dir().File("sync.err");
    std::string cmd = "IBASHO_TOKEN='" + token + "' " + prefix + " " IBASHO_BINARY_DIR "/clients/sync/ibasho-sync " +
                      args + " --gateway=http://127.0.0.1:" + std::to_string(c.http_port()) + " > " + out + " 2> " +
                      err;
    SyncRun r;
    r.exit_code = WEXITSTATUS(std::system(cmd.c_str()));
    r.out = testing::ReadFile(out);
    r.err = testing::ReadFile(err);
    return r;
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = c.dir().File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Cluster c;
  std::string token;
};

TEST_F(SyncToolTest, ImportsRealOpenDataAndReimportsAsNoChange) {
  SyncRun first = Sync("import " + kNerima + " --source ward");
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("40 rows read, 40 created, 0 updated, 0 unchanged, 0 archived, 0 rejected"),
            std::string::npos)
      << first.out;
  SyncRun again = Sync("import " + kNerima + " --source=ward --dry-run");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("dry run: 40 rows read, 0 created, 0 updated, 40 unchanged"), std::string::npos)
      << again.out;
}

TEST_F(SyncToolTest, RejectedRowsAreListedAndExitTwo) {
  std::string file = Write("bad.csv", SmallCsv({{"1", "豊玉こども食堂"}, {"2", ""}, {"3", "中村こども食堂"}}));
  SyncRun r = Sync("import " + file + " --source=ward");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("rejected line 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 created"), std::string::npos) << r.out;
}

TEST_F(SyncToolTest, ReplaceShowsWhatWouldBeArchivedThenArchivesIt) {
  std::vector<std::pair<std::string, std::string>> all = {
      {"1", "豊玉こども食堂"}, {"2", "石神井こども食堂"}, {"3", "中村こども食堂"}, {"4", "大泉こども食堂"}};
  ASSERT_EQ(Sync("import " + Write("all.csv", SmallCsv(all)) + " --source=ward").exit_code, 0);
  all.pop_back();
  std::string fewer = Write("fewer.csv", SmallCsv(all));
  SyncRun dry = Sync("import " + fewer + " --source=ward --replace --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would archive 4\n"), std::string::npos) << dry.out;
  EXPECT_EQ(c.Call("GET", "/v1/groups?source=ward").body["groups"].size(), 4u);
  SyncRun real = Sync("import " + fewer + " --source=ward --replace");
  EXPECT_EQ(real.exit_code, 0);
  EXPECT_NE(real.out.find("1 archived"), std::string::npos) << real.out;
  EXPECT_EQ(c.Call("GET", "/v1/groups?source=ward").body["groups"].size(), 3u);
}

TEST_F(SyncToolTest, ExportsHsdsAndNamesTheErrorWhenNotAllowed) {
  ASSERT_EQ(Sync("import " + kNerima + " --source=ward").exit_code, 0);
  std::string out = c.dir().File("export.json");
  SyncRun r = Sync("export --format=hsds --out=" + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(testing::ReadFile(out), nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["organizations"].size(), 40u);
  SyncRun csv = Sync("export --format=csv");  // the staff CSV needs an admin token
  EXPECT_EQ(csv.exit_code, 1);
  EXPECT_NE(csv.err.find("HTTP 403"), std::string::npos) << csv.err;
  SyncRun bad = Sync("export --format=xml");
  EXPECT_EQ(bad.exit_code, 1);
  SyncRun typo = Sync("export --fromat=hsds");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("unknown option --fromat"), std::string::npos);
}

TEST_F(SyncToolTest, ChangesPrintsOneLinePerChangeAndFollows) {
  ASSERT_EQ(Sync("import " + Write("two.csv", SmallCsv({{"1", "豊玉こども食堂"}, {"2", "石神井こども食堂"}})) +
                 " --source=ward")
                .exit_code,
            0);
  SyncRun once = Sync("changes");
  EXPECT_EQ(once.exit_code, 0) << once.err;
  int lines = 0;
  std::istringstream in(once.out);
  for (std::string line; std::getline(in, line); ++lines)
    EXPECT_TRUE(json::parse(line, nullptr, false).contains("group")) << line;
  EXPECT_EQ(lines, 2);
  EXPECT_NE(once.err.find("resume with --after="), std::string::npos);

  SyncRun followed;
  std::thread follower([&] { followed = Sync("changes --follow --interval_ms=100", "timeout -s INT 3"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  HttpResult put =
      c.As(token, "PUT", "/v1/sources/ward/groups/late",
           R"({"name":"あとから来たこども食堂","activities":[{"title":"ごはん会","categories":["kodomo_shokudo"]}]})");
  EXPECT_EQ(put.status, 201) << put.raw;
  follower.join();
  EXPECT_NE(followed.out.find("あとから来たこども食堂"), std::string::npos) << followed.out << followed.err;
}

}  // namespace
}  // namespace ibasho
