// Importers against every real open-data file in ../shared/data/opendata, as published.
#include <gtest/gtest.h>

#include <filesystem>

#include "model/csv.h"
#include "model/hsds.h"
#include "model/json_mapping.h"
#include "model/open_data.h"
#include "storage/registry_store.h"
#include "testing/test_util.h"

namespace ibasho::model {
namespace {

const std::string kOpenData = IBASHO_SOURCE_DIR "/../shared/data/opendata/";

std::string Companion(const std::string& path) {
  size_t t = path.find("_tsuika");
  std::string other =
      t != std::string::npos ? path.substr(0, t) + path.substr(t + 7) : path.substr(0, path.rfind('.')) + "_tsuika.csv";
  return std::filesystem::exists(other) ? testing::ReadFile(other) : "";
}

StatusOr<ParsedFile> ParseFile(const std::string& rel) {
  std::string path = kOpenData + rel;
  return ParseOpenDataCsv(testing::ReadFile(path), path, {}, Companion(path));
}

TEST(OpenDataTimes, ExcelFractionsClockTimesAndJapanese) {
  const std::pair<const char*, const char*> cases[] = {
      {"17:00", "17:00"},
      {"9:30", "09:30"},
      {"0.70833333333333337", "17:00"},
      {"0.5", "12:00"},
      {"0.45833333333333331", "11:00"},
      {"１７：３０", "17:30"},
      {"午後4時30分", "16:30"},
      {"午前10時(又は午後5時)", "10:00"},
      {"17時", "17:00"},
      {"非公開", ""},
      {"", ""},
      {"25:99", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(ParseTimeOfDay(in), out) << in;
}

struct ScheduleCase {
  const char* weekdays;
  const char* dates;
  const char* frequency;
  std::vector<std::string> byday;
  std::vector<int> nth;
  bool weeks_unknown;
};

TEST(OpenDataSchedules, WeekdaysAndNthWeeksAsWritten) {
  const ScheduleCase cases[] = {
      {"木日", "", "週に１回", {"thu", "sun"}, {}, false},
      {"月火水木金", "", "5", {"mon", "tue", "wed", "thu", "fri"}, {}, false},
      {"土", "", "1か月に1回", {"sat"}, {}, true},
      {"土", "", "5", {"sat"}, {}, true},
      {"", "第2・4金", "", {"fri"}, {2, 4}, false},
      {"", "毎月第３土曜日", "", {"sat"}, {3}, false},
      {"", "第1・3火曜日", "", {"tue"}, {1, 3}, false},
      {"", "毎月第１第３木曜日", "", {"thu"}, {1, 3}, false},
      {"", "第三日曜日", "", {"sun"}, {3}, false},
      {"", "最終日曜日", "", {"sun"}, {-1}, false},
      {"", "月末の土曜日", "", {"sat"}, {-1}, false},
      {"土", "毎月第３", "", {"sat"}, {3}, false},
      {"月～金", "", "", {"mon", "tue", "wed", "thu", "fri"}, {}, false},
      {"水曜日", "", "週に2回", {"wed"}, {}, false},
      {"", "", "", {}, {}, false},
  };
  for (const auto& c : cases) {
    auto s = ParseSchedules(c.weekdays, c.dates, c.frequency, "17:00", "19:00");
    std::string label = std::string(c.weekdays) + "|" + c.dates + "|" + c.frequency;
    if (c.byday.empty()) {
      EXPECT_TRUE(s.empty()) << label;
      continue;
    }
    ASSERT_EQ(s.size(), 1u) << label;
    EXPECT_EQ(std::vector<std::string>(s[0].byday().begin(), s[0].byday().end()), c.byday) << label;
    EXPECT_EQ(std::vector<int>(s[0].nth().begin(), s[0].nth().end()), c.nth) << label;
    EXPECT_EQ(s[0].weeks_unknown(), c.weeks_unknown) << label;
    EXPECT_EQ(s[0].opens(), "17:00");
  }
}

TEST(OpenDataCsv, DecodesBomsAndShiftJis) {
  std::string enc;
  EXPECT_EQ(*DecodeToUtf8("\xEF\xBB\xBF\xEF\xBB\xBF名称", &enc), "名称");
  EXPECT_EQ(enc, "utf-8");
  EXPECT_EQ(*DecodeToUtf8("?名称,ID"), "名称,ID");
  EXPECT_EQ(*DecodeToUtf8("\x96\xBC\x8F\xCC", &enc), "名称");  // cp932
  EXPECT_EQ(enc, "cp932");
}

TEST(OpenDataCsv, QuotedFieldsCrlfAndEmbeddedNewlines) {
  auto rows = ParseCsv("a,b\r\n\"x,1\",\"line1\nline2\"\r\n\"say \"\"hi\"\"\",\r\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells[0], "x,1");
  EXPECT_EQ(rows[1].cells[1], "line1\nline2");
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_EQ(rows[2].cells[0], "say \"hi\"");
  EXPECT_EQ(rows[2].cells[1], "");
}

TEST(OpenDataCsv, BadRowsAreReportedAndGoodRowsKept) {
  std::string csv =
      "全国地方公共団体コード,ID,名称,住所,緯度,経度,開催曜日,開催開始時間,開催終了時間\n"
      "131202,1,よい食堂,東京都練馬区豊玉北6-12-1,35.73,139.65,土,12:00,14:00\n"
      "131202,2,,東京都練馬区,,,,,\n"
      "131202,3,座標が外れた食堂,東京都練馬区,95,400,日,17:00,16:00\n"
      ",,,,,,,,\n"
      "131202,1,同じIDの食堂,東京都練馬区,,,,,\n";
  auto r = ParseOpenDataCsv(csv, "131202_test_kodomosyokudo.csv", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_read, 4);
  EXPECT_EQ(r->blank_rows, 1);
  ASSERT_EQ(r->groups.size(), 2u);
  EXPECT_EQ(r->groups[0].source(), "opendata:131202");
  EXPECT_EQ(r->groups[0].activities(0).location().municipality(), "練馬区");
  EXPECT_EQ(r->groups[1].activities(0).location().lat(), 0);  // dropped, with a warning
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].line, 3);
  EXPECT_EQ(r->rejected[1].line, 6);
  EXPECT_GE(r->warnings.size(), 2u);
}

struct FileCase {
  const char* file;
  const char* encoding;
  int rows_read, blank_rows;
  size_t groups, activities, rejected, skipped;
};

TEST(OpenDataFiles, EveryPublishedFileImportsWithTheseCounts) {
  const FileCase cases[] = {
      {"jidoukan/saitama-city/houkagojidoukurabu220401.csv", "utf-8", 296, 0, 296, 296, 0, 0},
      {"jidoukan/tokushima/tokushima_jidokan_utf8.csv", "utf-8", 60, 0, 60, 60, 0, 0},
      {"kodomo-shokudo/fukui/15_182109_kodomoshokudo.csv", "utf-8", 6, 0, 6, 6, 0, 0},
      {"kodomo-shokudo/kanagawa/140007_kodomoshokudo_20231105.csv", "utf-8", 116, 0, 116, 116, 0, 0},
      {"kodomo-shokudo/okinawa/472115_kodomonoibasyo_20221003.csv", "utf-8", 10, 989, 10, 10, 0, 0},
      {"kodomo-shokudo/saitama/112291_wako_kodomosyokudo_20240530.csv", "utf-8", 11, 0, 11, 11, 0, 0},
      {"kodomo-shokudo/saitama/saitama_pref_kodomoshokudo_ichiran.csv", "utf-8", 277, 0, 277, 277, 0, 0},
      {"kodomo-shokudo/tokyo/131059_bunkyo_kodomosyokudo.csv", "utf-8", 7, 0, 7, 7, 0, 0},
      {"kodomo-shokudo/tokyo/131067_taitoku_kodomosyokudo.csv", "utf-8", 7, 0, 7, 7, 0, 0},
      {"kodomo-shokudo/tokyo/131083_kotoku_kodomosyokudo.csv", "utf-8", 24, 0, 24, 24, 0, 0},
      {"kodomo-shokudo/tokyo/131091_shinagawaku_kodomosyokudo.csv", "utf-8", 38, 0, 38, 38, 0, 0},
      {"kodomo-shokudo/tokyo/131105_meguroku_kodomosyokudo.csv", "utf-8", 11, 0, 11, 11, 0, 0},
      {"kodomo-shokudo/tokyo/131113_otaku_kodomosyokudo.csv", "utf-8", 53, 0, 53, 54, 0, 0},
      {"kodomo-shokudo/tokyo/131113_otaku_kodomosyokudo_tsuika.csv", "utf-8", 1, 0, 53, 54, 0, 0},
      {"kodomo-shokudo/tokyo/131130_shibuyaku_kodomosyokudo.csv", "utf-8", 52, 0, 52, 52, 0, 0},
      {"kodomo-shokudo/tokyo/131156_suginamiku_kodomosyokudo.csv", "utf-8", 42, 0, 41, 42, 0, 0},
      {"kodomo-shokudo/tokyo/131164_toshimaku_kodomosyokudo.csv", "utf-8", 9, 0, 9, 9, 0, 0},
      {"kodomo-shokudo/tokyo/131181_arakawaku_kodomosyokudo.csv", "utf-8", 6, 0, 6, 6, 0, 0},
      {"kodomo-shokudo/tokyo/131199_itabashiku_kodomosyokudo.csv", "utf-8", 53, 0, 53, 53, 0, 0},
      {"kodomo-shokudo/tokyo/131202_nerimaku_kodomosyokudo.csv", "utf-8", 40, 0, 40, 40, 0, 0},
      {"kodomo-shokudo/tokyo/131229_katsushikaku_kodomosyokudo.csv", "utf-8", 12, 0, 12, 12, 0, 0},
      {"kodomo-shokudo/tokyo/132012_hachioji_kodomosyokudo.csv", "utf-8", 49, 0, 49, 49, 0, 0},
      {"kodomo-shokudo/tokyo/132039_musashinoshi_kodomosyokudo.csv", "utf-8", 5, 0, 5, 5, 0, 0},
      {"kodomo-shokudo/tokyo/132055_omeshi_kodomosyokudo.csv", "utf-8", 10, 0, 10, 10, 0, 0},
      {"kodomo-shokudo/tokyo/132063_fuchushi_kodomosyokudo.csv", "utf-8", 11, 0, 11, 11, 0, 0},
      {"kodomo-shokudo/tokyo/132071_akishimashi_kodomosyokudo.csv", "utf-8", 6, 0, 6, 8, 0, 0},
      {"kodomo-shokudo/tokyo/132071_akishimashi_kodomosyokudo_tsuika.csv", "utf-8", 2, 0, 6, 8, 0, 0},
      {"kodomo-shokudo/tokyo/132080_chofushi_kodomosyokudo.csv", "utf-8", 25, 0, 25, 25, 0, 0},
      {"kodomo-shokudo/tokyo/132098_machidashi_kodomosyokudo.csv", "utf-8", 19, 0, 19, 19, 0, 0},
      {"kodomo-shokudo/tokyo/132101_koganeishi_kodomosyokudo.csv", "utf-8", 2, 0, 2, 2, 0, 0},
      {"kodomo-shokudo/tokyo/132128_hinoshi_kodomosyokudo.csv", "utf-8", 7, 0, 7, 10, 0, 0},
      {"kodomo-shokudo/tokyo/132128_hinoshi_kodomosyokudo_tsuika.csv", "utf-8", 3, 0, 7, 10, 0, 0},
      {"kodomo-shokudo/tokyo/132136_higashimurayamashi_kodomosyokudo.csv", "utf-8", 13, 0, 13, 13, 0, 0},
      {"kodomo-shokudo/tokyo/132152_kunitachishi_kodomosyokudo.csv", "utf-8", 12, 0, 12, 14, 0, 0},
      {"kodomo-shokudo/tokyo/132152_kunitachishi_kodomosyokudo_tsuika.csv", "utf-8", 2, 0, 12, 14, 0, 0},
      {"kodomo-shokudo/tokyo/132195_komaeshi_kodomosyokudo.csv", "utf-8", 6, 0, 6, 6, 0, 0},
      {"kodomo-shokudo/tokyo/132217_kiyoseshi_kodomosyokudo.csv", "utf-8", 10, 0, 10, 10, 0, 0},
      {"kodomo-shokudo/tokyo/132233_musashimurayamashi_kodomosyokudo.csv", "utf-8", 7, 0, 7, 7, 0, 0},
      {"kodomo-shokudo/tokyo/132241_tama_kodomosyokudo.csv", "utf-8", 18, 0, 18, 18, 0, 0},
      {"kodomo-shokudo/tokyo/132292_nishitokyoshi_kodomosyokudo.csv", "utf-8", 26, 0, 26, 26, 0, 0},
      {"kodomo-shokudo/tokyo/133051_hinodemachi_kodomosyokudo.csv", "utf-8", 1, 0, 1, 1, 0, 0},
      {"public-facility/ishikawa/170003_public_facility.csv", "cp932", 83, 0, 2, 2, 0, 81},
      {"public-facility/ishikawa/172120_public-facility.csv", "utf-8", 189, 0, 8, 8, 0, 181},
      {"public-facility/ishikawa/202142_public_facility.csv", "utf-8", 93, 0, 4, 4, 0, 89},
      {"public-facility/ishikawa/public_facility_ishikawa_merged.csv", "utf-8", 3484, 2, 339, 339, 0, 3145},
  };
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kOpenData))
    files += e.path().extension() == ".csv";
  EXPECT_EQ(files, std::size(cases)) << "a file was added to ../shared/data/opendata: add its counts here";
  for (const auto& c : cases) {
    auto r = ParseFile(c.file);
    ASSERT_TRUE(r.ok()) << c.file << ": " << r.status().ToString();
    EXPECT_EQ(r->encoding, c.encoding) << c.file;
    EXPECT_EQ(r->rows_read, c.rows_read) << c.file;
    EXPECT_EQ(r->blank_rows, c.blank_rows) << c.file;
    EXPECT_EQ(r->groups.size(), c.groups) << c.file;
    size_t activities = 0;
    for (const auto& g : r->groups) activities += g.activities_size();
    EXPECT_EQ(activities, c.activities) << c.file;
    EXPECT_EQ(r->rejected.size(), c.rejected) << c.file;
    EXPECT_EQ(r->skipped.size(), c.skipped) << c.file;
    // Nothing is silently dropped: every non-blank row is a group, part of one, rejected or skipped.
    EXPECT_GE(static_cast<int>(c.groups + c.rejected + c.skipped), 1) << c.file;
  }
}

TEST(OpenDataFiles, NerimaRowsCarryScheduleFeesAndPlace) {
  auto r = ParseFile("kodomo-shokudo/tokyo/131202_nerimaku_kodomosyokudo.csv");
  ASSERT_TRUE(r.ok());
  const registry::v1::Group* found = nullptr;
  for (const auto& g : r->groups)
    if (g.name() == "石神井ゆうやけ子ども食堂") found = &g;
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->name_kana(), "シャクジイユウヤケコドモショクドウ");
  EXPECT_EQ(found->external_id(), "5");
  const auto& a = found->activities(0);
  EXPECT_EQ(a.location().municipality(), "練馬区");
  ASSERT_EQ(a.schedules_size(), 1);
  EXPECT_EQ(a.schedules(0).byday(0), "sun");
  EXPECT_EQ(a.schedules(0).opens(), "18:00");
  EXPECT_EQ(a.schedules(0).closes(), "20:00");
  EXPECT_TRUE(a.fee().free());  // 0 for children, 300 for adults
  EXPECT_NE(a.fee().text().find("大人 300円"), std::string::npos) << a.fee().text();
  EXPECT_EQ(a.categories(0), "kodomo_shokudo");
  EXPECT_EQ(a.inferred_categories_size(), 0) << "a 子ども食堂 list states what its rows are";
}

TEST(OpenDataFiles, ReimportingEverythingChangesNothing) {
  testing::TempDir dir;
  storage::RegistryStoreOptions o;
  o.path = dir.File("registry.db");
  auto store = std::move(storage::RegistryStore::Open(o)).value();
  auto import_all = [&](int* created, int* updated, int* unchanged) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(kOpenData)) {
      if (e.path().extension() != ".csv") continue;
      std::string path = e.path().string();
      auto r = ParseOpenDataCsv(testing::ReadFile(path), path, {}, Companion(path));
      ASSERT_TRUE(r.ok()) << path;
      for (const auto& g : r->groups) {
        auto u = store->Upsert(g.source(), g.external_id(), g, 0);
        ASSERT_TRUE(u.ok()) << path << " " << g.name() << ": " << u.status().ToString();
        using R = storage::RegistryStore::UpsertResult;
        (u->second == R::kCreated ? *created : u->second == R::kUpdated ? *updated : *unchanged) += 1;
      }
    }
  };
  int c1 = 0, u1 = 0, n1 = 0;
  import_all(&c1, &u1, &n1);
  int64_t seq = store->LatestSeq();
  int c2 = 0, u2 = 0, n2 = 0;
  import_all(&c2, &u2, &n2);
  EXPECT_GT(c1, 1500);
  EXPECT_EQ(c2, 0);
  EXPECT_EQ(u2, 0);
  EXPECT_EQ(n2, c1 + u1 + n1);
  EXPECT_EQ(store->LatestSeq(), seq);  // not one change row
}

}  // namespace
}  // namespace ibasho::model
