// Search over the real sample data: registry store → change feed → Xapian index → searcher.
#include <gtest/gtest.h>

#include <unicode/unistr.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "model/json_mapping.h"
#include "model/schedule.h"
#include "search/engine/bm25.h"
#include "search/engine/match_evaluator.h"
#include "search/engine/ranker.h"
#include "search/engine/searcher.h"
#include "search/index/index_delta.h"
#include "search/index/index_schema.h"
#include "search/index/index_writer.h"
#include "search/query/query_builder.h"
#include "storage/registry_store.h"
#include "testing/test_util.h"

namespace ibasho::search {
namespace {

using registry::v1::Group;
using v1::SearchRequest;
using v1::SearchResponse;

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new Env();
    env_->dir = std::make_unique<testing::TempDir>();
    TokenizerOptions to;
    to.userdic = IBASHO_TEST_USERDIC;
    env_->tokenizer = std::move(Tokenizer::Create(to)).value();
    env_->dictionary = std::move(QueryDictionary::Load(IBASHO_SOURCE_DIR "/search/dict", *env_->tokenizer)).value();
    env_->translator = std::move(QueryTranslator::Load(IBASHO_SOURCE_DIR "/search/dict/english.tsv")).value();
    storage::RegistryStoreOptions so;
    so.path = env_->dir->File("registry.db");
    env_->store = std::move(storage::RegistryStore::Open(so)).value();
    auto doc = nlohmann::json::parse(testing::ReadFile(IBASHO_SOURCE_DIR "/data/sample/groups.json"));
    for (const auto& item : doc["groups"]) {
      Group g;
      ASSERT_TRUE(ParseJson(item.dump(), &g).ok());
      g.set_source("sample");
      ASSERT_TRUE(env_->store->Create(g).ok()) << g.name();
    }
    for (
        const char* extra : {
            R"({"name":"京都こども食堂の会","activities":[{"title":"京都の子ども食堂","description":"京都市中京区で開く子ども食堂。",
                 "categories":["kodomo_shokudo"],"location":{"address":"京都府京都市中京区1-1","lat":35.01,"lon":135.76}}]})",
            R"({"name":"東京都の窓口","activities":[{"title":"東京都の相談窓口","description":"東京都が運営する相談窓口です。",
                 "categories":["soudan"],"location":{"address":"東京都新宿区西新宿2-8-1","lat":35.69,"lon":139.69}}]})",
            R"({"name":"エスケープ確認の会","activities":[{"title":"HTMLの確認",
                 "description":"<script>alert(1)</script> と書かれた説明にも不登校の言葉があります。","categories":["event"]}]})",
            R"({"name":"下書きの会","status":"draft","activities":[{"title":"まだ公開しない不登校の居場所","categories":["futoukou"]}]})",
        }) {
      Group g;
      ASSERT_TRUE(ParseJson(extra, &g).ok());
      ASSERT_TRUE(env_->store->Create(g).ok());
    }
    env_->writer = std::move(IndexWriter::Open(env_->dir->File("index"), *env_->tokenizer)).value();
    ApplyFeed();
    SearcherOptions o;
    o.index_path = env_->dir->File("index");
    o.translator = env_->translator.get();
    env_->searcher = std::move(Searcher::Open(o, *env_->tokenizer, *env_->dictionary)).value();
    SearcherOptions bitmaps = o;
    bitmaps.facet_counting.method = FacetCounting::kBitmaps;
    env_->bitmap_searcher = std::move(Searcher::Open(bitmaps, *env_->tokenizer, *env_->dictionary)).value();
  }
  static void TearDownTestSuite() { delete env_; }

  static void ApplyFeed() {
    int64_t after = env_->writer->AppliedCursor();
    for (;;) {
      auto events = env_->store->ChangesAfter(after, 50, true);
      ASSERT_TRUE(events.ok());
      if (events->empty()) break;
      registry::v1::ChangeBatch batch;
      for (auto& e : *events) *batch.add_events() = e;
      ASSERT_TRUE(env_->writer->Apply(batch).ok());
      after = env_->writer->AppliedCursor();
    }
  }

  static SearchResponse Search(SearchRequest r) {
    if (r.today().empty()) r.set_today("2026-11-26");
    auto resp = env_->searcher->Search(r);
    EXPECT_TRUE(resp.ok()) << r.q() << ": " << resp.status().ToString();
    return resp.ok() ? std::move(resp).value() : SearchResponse();
  }
  static SearchResponse Q(const std::string& q, int page_size = 10) {
    SearchRequest r;
    r.set_q(q);
    r.set_page_size(page_size);
    return Search(r);
  }
  static std::vector<std::string> Titles(const SearchResponse& r, int n = 100) {
    std::vector<std::string> out;
    for (const auto& x : r.results())
      if (static_cast<int>(out.size()) < n) out.push_back(x.title());
    return out;
  }
  // Every result of a request, across pages.
  static std::vector<v1::SearchResult> All(SearchRequest r) {
    std::vector<v1::SearchResult> out;
    r.set_page_size(100);
    for (;;) {
      SearchResponse resp = Search(r);
      for (const auto& x : resp.results()) out.push_back(x);
      if (resp.next_page_token().empty()) break;
      r.set_page_token(resp.next_page_token());
    }
    return out;
  }

  struct Env {
    std::unique_ptr<testing::TempDir> dir;
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<QueryDictionary> dictionary;
    std::unique_ptr<QueryTranslator> translator;
    std::unique_ptr<storage::RegistryStore> store;
    std::unique_ptr<IndexWriter> writer;
    std::unique_ptr<Searcher> searcher;         // counts facets as it chooses (rows, for data this small)
    std::unique_ptr<Searcher> bitmap_searcher;  // always counts facets with bitmaps
  };
  static Env* env_;
};
SearchTest::Env* SearchTest::env_ = nullptr;

TEST_F(SearchTest, FindsTheWordAsWritten) {
  SearchResponse r = Q("不登校");
  ASSERT_GT(r.total(), 3);
  for (const auto& x : r.results()) EXPECT_NE(x.title(), "まだ公開しない不登校の居場所");  // drafts are not searchable
}

TEST_F(SearchTest, OrthographicVariantsFindTheSameListings) {
  const std::vector<std::vector<std::string>> sets = {
      {"こども食堂", "子ども食堂", "子供食堂", "こどもしょくどう"},
      {"プレーパーク", "プレイパーク", "冒険遊び場"},
      {"フリースクール", "ﾌﾘｰｽｸｰﾙ", "フリ−スク−ル"},
      {"不登校", "ふとうこう", "登校拒否"},
  };
  for (const auto& set : sets) {
    std::set<std::string> first;
    for (const auto& t : Titles(Q(set[0]), 3)) first.insert(t);
    for (size_t i = 1; i < set.size(); ++i) {
      std::set<std::string> other;
      for (const auto& t : Titles(Q(set[i]), 10)) other.insert(t);
      for (const auto& t : first) EXPECT_TRUE(other.count(t)) << set[i] << " misses " << t << " found by " << set[0];
    }
  }
}

TEST_F(SearchTest, WorriesLeadToTheirCategory) {
  const std::pair<const char*, const char*> cases[] = {
      {"学校、行きたくない", "futoukou"},
      {"がっこう いきたくない", "futoukou"},
      {"家と学校以外の居場所がほしい", "ibasho"},
      {"おうち、辛い", "soudan"},
      {"ゆっくり勉強につき合ってくれる人いないかな", "gakushu"},
      {"思いっきり遊びたい", "playpark"},
      {"うちの子ちょっと個性的かな", "hattatsu"},
  };
  for (const auto& [q, cat] : cases) {
    // The first result, and most of the first three, are of the category the worry points to.
    SearchResponse r = Q(q, 3);
    ASSERT_EQ(r.results_size(), 3) << q;
    int in_category = 0;
    for (const auto& x : r.results()) {
      std::set<std::string> cats(x.categories().begin(), x.categories().end());
      in_category += cats.count(cat);
    }
    EXPECT_TRUE(std::count(r.results(0).categories().begin(), r.results(0).categories().end(), cat))
        << q << " → " << r.results(0).title();
    EXPECT_GE(in_category, 2) << q;
    const auto& interp = r.interpretation().categories();
    EXPECT_NE(std::find(interp.begin(), interp.end(), cat), interp.end()) << q;
  }
}

TEST_F(SearchTest, EnglishAndRomajiFindWhatJapaneseFinds) {
  const struct {
    const char* query;
    const char* category;  // the top results' category
  } cases[] = {
      {"food for children", "kodomo_shokudo"}, {"kids who stay home from school", "futoukou"},
      {"help with homework", "gakushu"},       {"playground", "playpark"},
      {"kodomo shokudo", "kodomo_shokudo"},    {"futoukou", "futoukou"},
  };
  for (const auto& c : cases) {
    SearchResponse r = Q(c.query, 3);
    ASSERT_GT(r.results_size(), 0) << c.query;
    EXPECT_EQ(r.interpretation().language(), "en") << c.query;
    EXPECT_FALSE(r.interpretation().translated().empty()) << c.query;
    for (const auto& x : r.results())
      EXPECT_NE(std::find(x.categories().begin(), x.categories().end(), c.category), x.categories().end())
          << c.query << " → " << x.title();
  }
  // A place name in romaji is met by the readings of the Japanese.
  SearchResponse place = Q("hikarigaoka", 5);
  ASSERT_GT(place.results_size(), 0);
  EXPECT_NE(place.results(0).address().find("光が丘"), std::string::npos) << place.results(0).address();
  // Japanese is left as typed.
  EXPECT_EQ(Q("こども食堂").interpretation().language(), "");
}

TEST_F(SearchTest, LiteralTurnsInterpretationOff) {
  SearchRequest r;
  r.set_q("学校、行きたくない");
  r.set_literal(true);
  SearchResponse resp = Search(r);
  EXPECT_EQ(resp.interpretation().categories_size(), 0);
}

TEST_F(SearchTest, WordAndWeekdayTogether) {
  SearchResponse r = Q("こども食堂 土曜", 5);
  ASSERT_GE(r.results_size(), 3);
  for (const auto& x : r.results()) {
    EXPECT_NE(std::find(x.categories().begin(), x.categories().end(), "kodomo_shokudo"), x.categories().end());
    EXPECT_NE(x.schedule_text().find("土曜"), std::string::npos) << x.title();
  }
}

TEST_F(SearchTest, ParticlesBetweenWordsAreNotRequired) {
  // 子供の居場所 asks for the two words; の is not indexed and must not make the AND fail.
  const int both_words = Q("子供 居場所").total();
  ASSERT_GT(both_words, 5);
  EXPECT_GE(Q("子供の居場所").total(), both_words);
  EXPECT_GE(Q("こども食堂や学習支援").total(), Q("こども食堂 学習支援").total());
}

TEST_F(SearchTest, VerbsInASentenceRankButDoNotFilter) {
  // 開いている describes what is asked for: listings that do not say it still match.
  const int nouns = Q("土曜日 こども食堂").total();
  ASSERT_GT(nouns, 3);
  SearchResponse sentence = Q("土曜日に開いているこども食堂");
  EXPECT_GE(sentence.total(), nouns);
  EXPECT_GE(Q("土曜日にやってるこども食堂").total(), nouns);  // the same in kana
  // A sentence none of whose listings has every word still finds those with some of them.
  SearchResponse loose = Q("近くの公園で遊ぶ会");
  EXPECT_TRUE(loose.interpretation().relaxed());
  EXPECT_GT(loose.total(), 0);
  // In a worry the verb is the point (家に帰りたくない): it stays required.
  QueryBuilder builder(*env_->tokenizer, *env_->dictionary);
  std::function<bool(const QueryNode&)> has_optional = [&](const QueryNode& n) {
    return n.kind == QueryNode::Kind::kAndMaybe || std::any_of(n.children.begin(), n.children.end(), has_optional);
  };
  EXPECT_TRUE(has_optional(builder.Build("土曜日に開いているこども食堂", false, nullptr).strict));
  EXPECT_FALSE(has_optional(builder.Build("家に帰りたくない", false, nullptr).strict));
}

TEST_F(SearchTest, RelaxesOnlyWhenTheFiltersLeaveSomething) {
  SearchRequest r;
  r.set_q("プレーパーク 京都");  // no listing has both
  r.add_municipality("練馬区");
  SearchResponse relaxed = Search(r);
  EXPECT_TRUE(relaxed.interpretation().relaxed());
  EXPECT_GT(relaxed.total(), 0);
  // Within 1 km of Kyoto there is no play park, whatever the words.
  r.clear_municipality();
  r.add_category("playpark");
  r.set_has_near(true);
  r.set_lat(35.01);
  r.set_lon(135.76);
  r.set_radius_m(1000);
  SearchResponse none = Search(r);
  EXPECT_EQ(none.total(), 0);
  EXPECT_FALSE(none.interpretation().relaxed());
}

TEST_F(SearchTest, MunicipalityWrittenInKana) {
  for (const char* q : {"ねりまく こども食堂", "ねりま こども食堂", "練馬 こども食堂"}) {
    SearchResponse r = Q(q);
    ASSERT_EQ(r.interpretation().municipalities_size(), 1) << q;
    EXPECT_EQ(r.interpretation().municipalities(0), "練馬区") << q;
    ASSERT_GT(r.results_size(), 0) << q;
    EXPECT_EQ(r.results(0).municipality(), "練馬区") << q;
  }
}

TEST_F(SearchTest, KyotoIsNotTokyo) {
  SearchResponse r = Q("京都");
  ASSERT_GT(r.results_size(), 0);
  EXPECT_EQ(r.results(0).title(), "京都の子ども食堂");
}

TEST_F(SearchTest, GroupNameFindsItsListingsFirst) {
  SearchResponse r = Q("石神井・小さなうち", 3);
  ASSERT_GT(r.results_size(), 0);
  EXPECT_EQ(r.results(0).group_name(), "石神井・小さなうち");
  SearchResponse r2 = Q("なゆたふらっと", 3);
  ASSERT_GT(r2.results_size(), 0);
  EXPECT_EQ(r2.results(0).group_name(), "フリースペースなゆたふらっと");
}

// The stored weekday values of a result, read straight from its Xapian document.
std::vector<std::string> StoredWeekdays(const std::string& index, const std::string& activity_id) {
  Xapian::Database db(index);
  auto it = db.postlist_begin(kTermActivityId + activity_id);
  std::string v = db.get_document(*it).get_value(kSlotWeekdays);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < v.size()) {
    size_t end = v.find(kValueSeparator, start);
    if (end == std::string::npos) end = v.size();
    out.push_back(v.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST_F(SearchTest, FacetCountsMatchABruteForceCount) {
  // Each facet counts every match of the request with all filters except its own.
  struct Case {
    const char* q;
    std::vector<std::string> category;
    std::vector<std::string> weekday;
  } cases[] = {{"", {}, {}},
               {"居場所", {}, {}},
               {"", {"kodomo_shokudo"}, {}},
               {"子ども", {"ibasho", "futoukou"}, {"sat"}},
               {"", {}, {"sun", "wed"}},
               {"学校、行きたくない", {"soudan"}, {"mon"}}};
  for (const auto& c : cases) {
    SearchRequest req;
    req.set_q(c.q);
    for (const auto& v : c.category) req.add_category(v);
    for (const auto& v : c.weekday) req.add_weekday(v);
    SearchRequest without_category = req, without_weekday = req;
    without_category.clear_category();
    without_weekday.clear_weekday();
    std::map<std::string, int> expected_cat, expected_wd, got_cat, got_wd;
    for (const auto& x : All(without_category))
      for (const auto& cat : x.categories()) ++expected_cat[cat];
    for (const auto& x : All(without_weekday))
      for (const auto& wd : StoredWeekdays(env_->dir->File("index"), x.activity_id())) ++expected_wd[wd];
    SearchResponse resp = Search(req);
    for (const auto& f : resp.facets().category()) got_cat[f.value()] = f.count();
    for (const auto& f : resp.facets().weekday()) got_wd[f.value()] = f.count();
    EXPECT_EQ(got_cat, expected_cat) << c.q;
    EXPECT_EQ(got_wd, expected_wd) << c.q;
    EXPECT_EQ(resp.total(), static_cast<int>(All(req).size())) << c.q;
  }
}

TEST_F(SearchTest, RowAndBitmapFacetCountingAgree) {
  struct Case {
    const char* q;
    std::vector<std::string> category = {}, weekday = {}, fee = {}, municipality = {};
    int age = -1;
    std::vector<std::string> age_band = {};
  } cases[] = {
      {"", {}, {}, {}, {}, -1, {"elementary"}},
      {"居場所", {"ibasho"}, {}, {"free"}, {}, -1, {"preschool", "high_school"}},
      {""},
      {"居場所"},
      {"", {"kodomo_shokudo"}},
      {"子ども", {"ibasho", "futoukou"}, {"sat"}},
      {"", {}, {"sun", "wed"}, {"free"}},
      {"学校、行きたくない", {"soudan"}, {"mon"}},
      {"こども食堂", {}, {}, {"free", "paid"}, {"練馬区"}},
      {"プレーパーク", {}, {}, {}, {"練馬区", "京都市"}, 8},
      {"", {}, {}, {}, {}, 2},
      {"囲碁将棋クラブ"},
  };
  for (const auto& c : cases) {
    SearchRequest req;
    req.set_q(c.q);
    req.set_today("2026-11-26");
    req.set_page_size(100);
    for (const auto& v : c.category) req.add_category(v);
    for (const auto& v : c.weekday) req.add_weekday(v);
    for (const auto& v : c.fee) req.add_fee(v);
    for (const auto& v : c.municipality) req.add_municipality(v);
    if (c.age >= 0) req.set_age(c.age);
    for (const auto& v : c.age_band) req.add_age_band(v);
    auto rows = env_->searcher->Search(req);
    auto bitmaps = env_->bitmap_searcher->Search(req);
    ASSERT_TRUE(rows.ok() && bitmaps.ok()) << c.q;
    EXPECT_EQ(rows->total(), bitmaps->total()) << c.q;
    EXPECT_EQ(rows->facets().DebugString(), bitmaps->facets().DebugString()) << c.q;
    ASSERT_EQ(rows->results_size(), bitmaps->results_size()) << c.q;
    for (int i = 0; i < rows->results_size(); ++i)
      EXPECT_EQ(rows->results(i).activity_id(), bitmaps->results(i).activity_id()) << c.q << " #" << i;
  }
}

// Every document Xapian's own matcher finds for query, ascending.
std::vector<Xapian::docid> XapianMatches(Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(query);
  Xapian::MSet all = enquire.get_mset(0, db.get_doccount());
  std::vector<Xapian::docid> out(all.begin(), all.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Cache options under which every phrase checked is kept (so the kept paths are exercised).
PostingCacheOptions KeepingEveryPhrase() {
  PostingCacheOptions options;
  options.min_phrase_candidates_to_keep = 1;
  return options;
}

TEST_F(SearchTest, MatchSetsEqualXapiansOwnMatching) {
  // The bitmap evaluation (with phrase checks only where they can change the result) must match
  // exactly the documents Xapian's matcher finds for the same tree.
  QueryBuilder builder(*env_->tokenizer, *env_->dictionary);
  Xapian::Database db(env_->dir->File("index"));
  PostingCache cache(KeepingEveryPhrase());
  MatchEvaluator evaluator(db, cache);
  int nonempty = 0;
  for (const char* q :
       {"不登校", "こども食堂 土曜", "ふとうこう", "\"子ども食堂\"", "練馬 プレーパーク", "学校、行きたくない",
        "居場所 -食堂", "エスケープ確認の会", "京都", "がくしゅうしえん", "子ども 食堂 学習",
        "土曜日に開いているこども食堂", "無料で勉強を教えてくれる", "近くの公園で遊ぶ会"}) {
    BuiltQuery built = builder.Build(q, false, nullptr);
    for (const QueryNode* node : {&built.strict, &built.relaxed, &built.deep, &built.exclude}) {
      const std::vector<Xapian::docid> want = XapianMatches(db, ToXapian(*node));
      std::vector<Xapian::docid> got;
      evaluator.Evaluate(*node).ForEach([&](Xapian::docid id) { got.push_back(id); });
      EXPECT_EQ(got, want) << q;
      got.clear();  // again, with the phrases kept by the first evaluation
      evaluator.Evaluate(*node).ForEach([&](Xapian::docid id) { got.push_back(id); });
      EXPECT_EQ(got, want) << q << " (kept phrases)";
      nonempty += !want.empty();
    }
  }
  EXPECT_GT(nonempty, 20);
}

TEST_F(SearchTest, RankingWeightsEqualXapians) {
  // The ranker adds precomputed BM25 weights term at a time; Xapian's matcher, given the same
  // tree, must arrive at the same weight for every document.
  QueryBuilder builder(*env_->tokenizer, *env_->dictionary);
  Xapian::Database db(env_->dir->File("index"));
  PostingCache cache;
  MatchEvaluator evaluator(db, cache);
  std::vector<float> scores;
  XapianQueryOptions as_ranked;
  as_ranked.phrases_as_conjunctions = true;
  int compared = 0;
  for (const char* q : {"不登校", "こども食堂 土曜", "ふとうこう", "練馬 プレーパーク", "学校、行きたくない",
                        "子ども 食堂 学習", "エスケープ確認の会", "がくしゅうしえん", "居場所",
                        "土曜日に開いているこども食堂", "無料で勉強を教えてくれる"}) {
    BuiltQuery built =
        builder.Build(q, false, [&](const std::string& m) { return db.term_exists(kTermMunicipality + m) ? m : ""; });
    for (const QueryNode* node : {&built.strict, &built.relaxed}) {
      DocSet matching = evaluator.Evaluate(*node);
      std::vector<RankedDocument> ours = RankByRelevance(evaluator, *node, matching, 0, 1000, &scores);
      ASSERT_EQ(ours.size(), matching.Count()) << q;
      for (size_t i = 1; i < ours.size(); ++i)
        EXPECT_TRUE(ours[i - 1].weight > ours[i].weight ||
                    (ours[i - 1].weight == ours[i].weight && ours[i - 1].id < ours[i].id))
            << q << " rank " << i;
      Xapian::Enquire enquire(db);
      enquire.set_query(ToXapian(*node, as_ranked));
      Xapian::MSet theirs = enquire.get_mset(0, db.get_doccount());
      std::map<Xapian::docid, double> want;
      for (auto it = theirs.begin(); it != theirs.end(); ++it) want[*it] = it.get_weight();
      for (const auto& d : ours) {
        ASSERT_TRUE(want.count(d.id)) << q << " doc " << d.id;
        EXPECT_NEAR(d.weight, want[d.id], 1e-5 * std::max(1.0, want[d.id])) << q << " doc " << d.id;
        ++compared;
      }
    }
    EXPECT_TRUE(std::all_of(scores.begin(), scores.end(), [](double v) { return v == 0; })) << q;
  }
  EXPECT_GT(compared, 100);
}

TEST_F(SearchTest, DistanceFilterEqualsXapians) {
  // Distances are checked from cached locations; the result must be what Xapian's own distance
  // posting source accepts, from a few metres to the whole globe.
  Xapian::Database db(env_->dir->File("index"));
  PostingCache cache;
  MatchEvaluator evaluator(db, cache);
  const DocSet all = evaluator.AllDocuments();
  int compared = 0;
  for (auto [lat, lon] : std::vector<std::pair<double, double>>{
           {35.7437, 139.6063}, {35.7356, 139.6517}, {35.01, 135.76}, {-33.87, 151.21}, {89.9, 0}, {35.7, -179.9}}) {
    for (double radius : {50.0, 1500.0, 3000.0, 20000.0, 400000.0, 2.1e7}) {
      Xapian::LatLongCoord centre(lat, lon);
      Xapian::Query within_range((new Xapian::LatLongDistancePostingSource(kSlotLatLon, Xapian::LatLongCoords(centre),
                                                                           Xapian::GreatCircleMetric(), radius))
                                     ->release());
      const std::vector<Xapian::docid> want = XapianMatches(db, within_range);
      std::vector<Xapian::docid> got;
      evaluator.WithinDistance(centre, radius, all).ForEach([&](Xapian::docid id) { got.push_back(id); });
      EXPECT_EQ(got, want) << lat << "," << lon << " within " << radius << " m";
      compared += !want.empty();
    }
  }
  EXPECT_GT(compared, 10);
}

TEST_F(SearchTest, CachedBitmapsFollowIndexChanges) {
  SearchRequest req;
  req.add_category("taiken");
  req.set_page_size(100);
  auto count = [&] {
    auto r = env_->bitmap_searcher->Search(req);
    EXPECT_TRUE(r.ok());
    int nerima = 0;
    for (const auto& f : r->facets().municipality())
      if (f.value() == "練馬区") nerima = f.count();
    return std::make_pair(r->total(), nerima);
  };
  auto before = count();
  ASSERT_GT(before.first, 0);
  Group g;
  ASSERT_TRUE(ParseJson(R"({"name":"囲碁の会","activities":[{"title":"こども囲碁教室","categories":["taiken"],
      "location":{"address":"東京都練馬区豊玉北6-12-1"}}]})",
                        &g)
                  .ok());
  auto created = env_->store->Create(g);
  ASSERT_TRUE(created.ok());
  ApplyFeed();
  EXPECT_EQ(count(), std::make_pair(before.first + 1, before.second + 1));
  ASSERT_TRUE(env_->store->Archive(created->id(), created->version()).ok());
  ApplyFeed();
  EXPECT_EQ(count(), before);
}

TEST_F(SearchTest, BrowsingListsStatedCategoriesBeforeInferredOnes) {
  std::vector<registry::v1::Group> created;
  // The inferred one first: in index order it would come first.
  for (const char* json : {
           R"({"name":"推測の会","activities":[{"title":"推測された若者の場","categories":["wakamono"],
               "inferred_categories":["wakamono"]}]})",
           R"({"name":"明示の会","activities":[{"title":"明示された若者の場","categories":["wakamono"]}]})",
       }) {
    Group g;
    ASSERT_TRUE(ParseJson(json, &g).ok());
    auto stored = env_->store->Create(g);
    ASSERT_TRUE(stored.ok());
    created.push_back(*stored);
  }
  ApplyFeed();
  SearchRequest browse;
  browse.add_category("wakamono");
  std::vector<std::string> titles;
  for (const auto& r : All(browse)) titles.push_back(r.title());
  auto at = [&](const std::string& t) { return std::find(titles.begin(), titles.end(), t) - titles.begin(); };
  ASSERT_LT(at("明示された若者の場"), static_cast<long>(titles.size()));
  ASSERT_LT(at("推測された若者の場"), static_cast<long>(titles.size()));
  EXPECT_LT(at("明示された若者の場"), at("推測された若者の場"));
  // The label of an inferred category adds no words: 若者支援 is only the stated one's.
  SearchRequest label;
  label.set_q("若者支援");
  label.set_literal(true);
  titles = Titles(Search(label));
  EXPECT_LT(at("明示された若者の場"), static_cast<long>(titles.size()));
  EXPECT_LT(at("明示された若者の場"), at("推測された若者の場"));
  for (const auto& g : created) ASSERT_TRUE(env_->store->Archive(g.id(), g.version()).ok());
  ApplyFeed();
}

TEST_F(SearchTest, WarmedCacheAnswersBroadQueriesWithoutReadingPostings) {
  SearcherOptions o;
  o.index_path = env_->dir->File("index");
  o.facet_counting.method = FacetCounting::kBitmaps;
  auto search = [&](Searcher& s) {
    // Literal: the words as written (a dictionary's variants may be words no listing holds, and
    // looking those up is a read of nothing).
    for (const char* q : {"食堂", "居場所", "子ども", "練馬区 相談"}) {
      SearchRequest r;
      r.set_q(q);
      r.set_literal(true);
      r.set_today("2026-11-26");
      ASSERT_TRUE(s.Search(r).ok()) << q;
    }
  };
  auto cold = std::move(Searcher::Open(o, *env_->tokenizer, *env_->dictionary)).value();
  search(*cold);
  EXPECT_GT(cold->posting_cache_stats().reads, 0u);  // a cold searcher reads what it needs

  auto warm = std::move(Searcher::Open(o, *env_->tokenizer, *env_->dictionary)).value();
  auto stats = warm->Warm(1.0);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GT(stats->terms, 0u);
  EXPECT_EQ(stats->bytes, warm->posting_cache_stats().bytes);
  const uint64_t reads = warm->posting_cache_stats().reads;
  search(*warm);
  EXPECT_EQ(warm->posting_cache_stats().reads, reads);
}

std::vector<Xapian::docid> Members(const DocSet& docs) {
  std::vector<Xapian::docid> out;
  docs.ForEach([&](Xapian::docid id) { out.push_back(id); });
  return out;
}

std::vector<Xapian::docid> Postings(Xapian::Database& db, const std::string& term) {
  return std::vector<Xapian::docid>(db.postlist_begin(term), db.postlist_end(term));
}

// (id, weight) of every posting of a weight list chain.
std::map<Xapian::docid, float> Listed(const TermImpacts& impacts) {
  std::map<Xapian::docid, float> out;
  impacts.ForEachSegment([&](const TermImpacts& segment) {
    for (size_t i = 0; i < segment.docs.size(); ++i) out[segment.docs[i]] = segment.weights[i];
    for (Xapian::docid id = 0; id < segment.dense.size(); ++id)
      if (segment.dense[id] != 0) out[id] = segment.dense[id];
  });
  return out;
}

void CollectPhrases(const QueryNode& node, std::vector<QueryNode>* out) {
  if (node.kind == QueryNode::Kind::kPhrase) out->push_back(node);
  for (const auto& c : node.children) CollectPhrases(c, out);
}

TEST_F(SearchTest, PhraseChecksKeptAcrossQueriesStayExact) {
  // Phrases checked for one set of candidates keep what was found; later queries with other,
  // overlapping candidates check only the rest. Every answer equals Xapian's own phrase matching.
  QueryBuilder builder(*env_->tokenizer, *env_->dictionary);
  Xapian::Database db(env_->dir->File("index"));
  PostingCache cache(KeepingEveryPhrase());
  std::vector<QueryNode> phrases;
  for (const char* q : {"こども食堂", "がくしゅうしえん", "プレーパーク", "子育てひろば", "ふとうこう"}) {
    BuiltQuery built = builder.Build(q, false, nullptr);
    CollectPhrases(built.deep, &phrases);
    CollectPhrases(built.strict, &phrases);
  }
  ASSERT_GT(phrases.size(), 5u);
  int nonempty = 0;
  for (const QueryNode& phrase : phrases) {
    const std::vector<Xapian::docid> everywhere = XapianMatches(db, ToXapian(phrase));
    nonempty += !everywhere.empty();
    for (Xapian::docid step : {3u, 2u, 5u, 1u, 3u}) {
      MatchEvaluator evaluator(db, cache);
      DocSet focus(db.get_lastdocid());
      for (Xapian::docid id = step; id <= db.get_lastdocid(); id += step) focus.Add(id);
      std::vector<Xapian::docid> want;
      for (Xapian::docid id : everywhere)
        if (focus.Contains(id)) want.push_back(id);
      DocSet got = evaluator.Evaluate(phrase, &focus);
      got.IntersectWith(focus);
      EXPECT_EQ(Members(got), want) << phrase.terms[0] << " every " << step;
    }
  }
  EXPECT_GT(nonempty, 3);
}

TEST(PostingCache, WeightsOfTermsInMostDocumentsAreKeptByDocumentId) {
  // A term in two thirds of the documents gets a dense weight list; a rarer one a sparse list.
  // Either way the weights added are BM25's for exactly the members indexed by the term.
  testing::TempDir dir;
  {
    Xapian::WritableDatabase w(dir.File("index"), Xapian::DB_CREATE);
    for (int i = 0; i < 3000; ++i) {
      Xapian::Document d;
      if (i % 3 != 0) d.add_term("common", 1 + i % 4);
      if (i % 7 == 0) d.add_term("rare", 1 + i % 2);
      d.add_term("filler", 1 + i % 9);
      w.add_document(d);
    }
    w.commit();
  }
  Xapian::Database db(dir.File("index"));
  PostingCache cache;
  MatchEvaluator evaluator(db, cache);
  EXPECT_TRUE(evaluator.TermImpactsOf("common")->HasDenseSegment());
  EXPECT_FALSE(evaluator.TermImpactsOf("rare")->HasDenseSegment());
  for (const std::string term : {"common", "rare"}) {
    const Bm25TermWeight weight(db, db.get_termfreq(term));
    for (Xapian::docid step : {1u, 5u, 40u}) {  // the whole list, and few members
      DocSet within(db.get_lastdocid());
      for (Xapian::docid id = 1; id <= db.get_lastdocid(); id += step) within.Add(id);
      std::vector<float> scores(db.get_lastdocid() + 1, 0.0f), want(scores);
      evaluator.AddWeightsWithin(term, within, 2.0, &scores);
      for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
        if (within.Contains(*it)) want[*it] = 2.0f * static_cast<float>(weight(it.get_wdf(), it.get_doclength()));
      EXPECT_EQ(scores, want) << term << " every " << step;
    }
    EXPECT_EQ(Listed(*evaluator.TermImpactsOf(term)).size(), db.get_termfreq(term)) << term;
  }
  // A bitmap not kept (here: no term is worth one) is made from the weight list, dense or not,
  // without reading the index again.
  PostingCacheOptions no_bitmaps;
  no_bitmaps.min_share_divisor = 1;
  PostingCache weights_only(no_bitmaps);
  MatchEvaluator from_weights(db, weights_only);
  for (const std::string term : {"common", "rare"}) {
    from_weights.TermImpactsOf(term);
    const uint64_t reads = weights_only.stats().reads;
    EXPECT_EQ(Members(*from_weights.TermDocs(term)), Postings(db, term)) << term;
    EXPECT_EQ(weights_only.stats().reads, reads) << term;
  }
}

TEST(PostingCache, LongWeightChainsAreJoinedWithoutReadingAgain) {
  // Each commit appends a segment to the weight lists of the terms it adds; past 16 segments the
  // chain is joined in memory (dense or sparse alike), keeping every weight, never read again
  // while the statistics stay within 1%.
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir.File("index"), Xapian::DB_CREATE);
  for (int i = 0; i < 6000; ++i) {
    Xapian::Document d;
    if (i % 3 != 0) d.add_term("common", 1 + i % 4);  // two thirds: dense
    if (i % 20 < 9) d.add_term("mid", 1 + i % 3);     // 45%: sparse
    d.add_term("filler", 1 + i % 9);
    w.add_document(d);
  }
  w.commit();
  PostingCache cache;
  const std::vector<std::string> terms = {"common", "mid"};
  Xapian::Database db(dir.File("index"));
  std::map<std::string, std::map<Xapian::docid, float>> before;
  {
    MatchEvaluator warm(db, cache);
    for (const auto& t : terms) before[t] = Listed(*warm.TermImpactsOf(t));
  }
  EXPECT_TRUE(MatchEvaluator(db, cache).TermImpactsOf("common")->HasDenseSegment());
  const uint64_t reads = cache.stats().reads;
  for (int k = 0; k < 20; ++k) {
    Xapian::Document d;
    d.add_term("common", 2);
    d.add_term("mid", 1);
    d.add_term("filler", 3);
    IndexDelta delta;
    delta.revision = w.get_revision() + 1;
    delta.added.push_back({w.get_lastdocid() + 1, 6, {{"common", 2}, {"filler", 3}, {"mid", 1}}, ""});
    cache.WillCommit(delta);
    w.add_document(d);
    w.commit();
    db.reopen();
    MatchEvaluator now(db, cache);
    for (const auto& t : terms) {
      auto impacts = now.TermImpactsOf(t);
      EXPECT_LE(impacts->segments, 16u) << t << " after " << k;
      const std::map<Xapian::docid, float> listed = Listed(*impacts);
      std::vector<Xapian::docid> ids;
      for (const auto& [id, weight] : listed) {
        ids.push_back(id);
        if (before[t].count(id)) EXPECT_EQ(weight, before[t][id]) << t << " doc " << id;
        EXPECT_GT(weight, 0) << t << " doc " << id;
      }
      EXPECT_EQ(ids, Postings(db, t)) << t << " after " << k;
    }
  }
  EXPECT_EQ(cache.stats().reads, reads);
  EXPECT_GT(cache.stats().patches, 20u);
}

TEST(PostingCache, RepeatedLookUpsEndInACachedBitmap) {
  // A long list looked up for a few candidates, query after query, is read whole (and its bitmap
  // kept) once the look-ups have cost about as much as reading it; the answers never change.
  testing::TempDir dir;
  const std::string term = "Xcommon";
  {
    Xapian::WritableDatabase w(dir.File("index"), Xapian::DB_CREATE);
    for (int i = 0; i < 3000; ++i) {
      Xapian::Document d;
      d.add_term(term);
      if (i % 3 == 0) d.add_term("Xthird");
      w.add_document(d);
    }
    w.commit();
  }
  Xapian::Database db(dir.File("index"));
  PostingCache cache;
  MatchEvaluator evaluator(db, cache);
  DocSet two(db.get_lastdocid());
  two.Add(1500);
  two.Add(1501);
  int look_ups = 0;
  for (; !cache.HasDocs(db, term) && look_ups < 100; ++look_ups)
    ASSERT_EQ(Members(evaluator.TermDocsWithin(term, two)), Members(two));
  // Each call costs about 2 × 256 postings: the list is read on the call that reaches 3,000.
  EXPECT_EQ(look_ups, 6);
  EXPECT_EQ(cache.stats().reads, 1u);
  EXPECT_EQ(Members(evaluator.TermDocsWithin(term, two)), Members(two));
  EXPECT_EQ(Members(evaluator.TermDocsWithin("Xthird", two)), std::vector<Xapian::docid>{1501});
}

TEST_F(SearchTest, PostingCacheFollowsTheWritersDeltas) {
  // With the writer announcing its commits, cached bitmaps and weights are brought up to date
  // instead of read again, and must equal what the index holds. Kept phrases are dropped.
  PostingCache cache(KeepingEveryPhrase());
  QueryBuilder builder(*env_->tokenizer, *env_->dictionary);
  const QueryNode phrase = builder.Build("\"子の居場所\"", false, nullptr).strict;
  ASSERT_EQ(phrase.kind, QueryNode::Kind::kPhrase);
  auto phrase_matches = [&](Xapian::Database& db, MatchEvaluator& evaluator) {
    const std::vector<Xapian::docid> want = XapianMatches(db, ToXapian(phrase));
    std::vector<Xapian::docid> got;
    evaluator.Evaluate(phrase).ForEach([&](Xapian::docid id) { got.push_back(id); });
    EXPECT_EQ(got, want);
    return got.size();
  };
  env_->writer->set_listener(&cache);
  Xapian::Database db(env_->dir->File("index"));
  const std::vector<std::string> terms = {
      "",       kTermCategory + std::string("kodomo_shokudo"), "不登校",     kTermCategory + std::string("futoukou"),
      "居場所", kTermMunicipality + std::string("練馬区"),     "こども食堂", kTermWeekday + std::string("sat")};
  {
    MatchEvaluator warm(db, cache);
    for (const auto& t : terms) {
      warm.TermDocs(t);
      if (!t.empty()) warm.TermImpactsOf(t);
    }
    cache.Locations(db);
    phrase_matches(db, warm);
  }
  const uint64_t reads_before = cache.stats().reads;
  const size_t phrase_before = [&] {
    MatchEvaluator again(db, cache);
    return phrase_matches(db, again);
  }();

  // A new listing, a changed one and a removed one, in separate commits and in one.
  Group added;
  ASSERT_TRUE(ParseJson(R"({"name":"増分テストの会","activities":[{"title":"不登校の子の居場所",
      "description":"土曜に開くこども食堂もあります。","categories":["futoukou","kodomo_shokudo"],
      "location":{"address":"東京都練馬区豊玉北6-12-1"},"schedules":[{"byday":["sat"]}]}]})",
                        &added)
                  .ok());
  auto created = env_->store->Create(added);
  ASSERT_TRUE(created.ok());
  ApplyFeed();
  {
    db.reopen();
    MatchEvaluator after_add(db, cache);
    EXPECT_EQ(phrase_matches(db, after_add), phrase_before + 1);
  }
  Group changed = *created;
  changed.mutable_activities(0)->clear_categories();
  changed.mutable_activities(0)->add_categories("ibasho");
  changed.mutable_activities(0)->mutable_location()->set_lat(35.7437);  // moves
  changed.mutable_activities(0)->mutable_location()->set_lon(139.6063);
  auto updated = env_->store->Update(changed, created->version());
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  ApplyFeed();
  {
    db.reopen();
    auto located = cache.Locations(db);
    Xapian::docid id = *db.postlist_begin(kTermActivityId + updated->activities(0).id());
    ASSERT_LT(id, located->size());
    EXPECT_NEAR(located->At(id).lat, 35.7437, 1e-4);  // as serialised
  }
  auto removed = env_->store->Archive(updated->id(), updated->version());
  ASSERT_TRUE(removed.ok());
  ApplyFeed();

  db.reopen();
  MatchEvaluator now(db, cache);
  for (const auto& t : terms) {
    const std::vector<Xapian::docid> indexed = Postings(db, t);
    EXPECT_EQ(Members(*now.TermDocs(t)), indexed) << t;
    if (t.empty()) continue;
    // Every document of the term is listed with its weight; removed ones may stay listed.
    const std::map<Xapian::docid, float> listed = Listed(*now.TermImpactsOf(t));
    const Bm25TermWeight weight(db, db.get_termfreq(t));
    for (auto it = db.postlist_begin(t); it != db.postlist_end(t); ++it) {
      auto found = listed.find(*it);
      ASSERT_NE(found, listed.end()) << t << " doc " << *it;
      EXPECT_NEAR(found->second, weight(it.get_wdf(), it.get_doclength()), 0.05 * found->second) << t;
    }
    for (const auto& [id, w] : listed) {
      if (!std::binary_search(indexed.begin(), indexed.end(), id)) {
        EXPECT_THROW(db.get_document(id), Xapian::DocNotFoundError) << t << " lists a live document it lacks";
      }
    }
  }
  // Locations: patched, and equal to what the index holds.
  auto located = cache.Locations(db);
  PostingCache fresh;
  auto read = fresh.Locations(db);
  ASSERT_EQ(located->size(), read->size());
  for (Xapian::docid id = 0; id < read->size(); ++id) {
    const auto a = located->At(id), b = read->At(id);
    EXPECT_TRUE((std::isnan(a.lat) && std::isnan(b.lat)) || (a.lat == b.lat && a.lon == b.lon)) << "doc " << id;
  }
  EXPECT_GT(cache.stats().patches, 0u);
  EXPECT_EQ(cache.stats().reads, reads_before) << "terms or locations were read again instead of patched";
  env_->writer->set_listener(nullptr);
}

TEST_F(SearchTest, ReadersBehindStayCached) {
  // A query that started before commits which another reader already sees keeps being served
  // from the cache, with what its own revision holds: one revision behind, the values before the
  // last patch; further behind, newer values (bitmaps cut to its ids, weight lists that still list
  // its documents, whose later documents it must ignore).
  PostingCache cache;
  env_->writer->set_listener(&cache);
  const std::vector<std::string> terms = {kTermCategory + std::string("kodomo_shokudo"), "不登校",
                                          kTermWeekday + std::string("sat")};
  auto create = [&](const char* name) {
    Group added;
    EXPECT_TRUE(
        ParseJson(std::string(R"({"name":")") + name + R"(","activities":[{"title":"不登校の子も来られるこども食堂",
      "categories":["kodomo_shokudo"],"location":{"address":"東京都練馬区豊玉北6-12-1","lat":35.7356,"lon":139.6517},
      "schedules":[{"byday":["sat"]}]}]})",
                  &added)
            .ok());
    auto created = env_->store->Create(added);
    EXPECT_TRUE(created.ok());
    ApplyFeed();
    return *created;
  };
  std::vector<Group> created;
  for (int revisions_behind : {1, 2}) {
    Xapian::Database behind(env_->dir->File("index"));
    std::map<std::string, std::vector<Xapian::docid>> indexed;  // read now: Xapian itself cannot
    {                                                           // read two revisions back
      MatchEvaluator warm(behind, cache);
      for (const auto& t : terms) {
        warm.TermImpactsOf(t);
        indexed[t] = Postings(behind, t);
      }
      cache.Locations(behind);
    }
    for (int k = 0; k < revisions_behind; ++k) {  // a reader at each revision patches the values
      created.push_back(create(k == 0 ? "版の確認の会" : "版の確認の会その二"));
      Xapian::Database ahead(env_->dir->File("index"));
      ASSERT_EQ(ahead.get_revision(), behind.get_revision() + k + 1);
      MatchEvaluator now(ahead, cache);
      for (const auto& t : terms) now.TermImpactsOf(t);
      cache.Locations(ahead);
    }
    const uint64_t reads = cache.stats().reads;
    MatchEvaluator late(behind, cache);
    for (const auto& t : terms) {
      EXPECT_EQ(Members(*late.TermDocs(t)), indexed[t]) << t;
      std::vector<Xapian::docid> listed;
      for (const auto& [id, w] : Listed(*late.TermImpactsOf(t)))
        if (std::binary_search(indexed[t].begin(), indexed[t].end(), id)) listed.push_back(id);
      EXPECT_EQ(listed, indexed[t]) << t;
      // Weights for the reader's own documents only, in a score array of its size.
      const DocSet all = DocSet::All(behind.get_lastdocid());
      std::vector<float> scores(behind.get_lastdocid() + 1, 0.0f);
      late.AddWeightsWithin(t, all, 1.0, &scores);
      EXPECT_EQ(scores.size(), behind.get_lastdocid() + 1u);
    }
    EXPECT_GE(cache.Locations(behind)->size(), behind.get_lastdocid() + 1);
    EXPECT_EQ(cache.stats().reads, reads) << revisions_behind << " revisions behind: not served from the cache";
  }
  for (const Group& g : created) ASSERT_TRUE(env_->store->Archive(g.id(), g.version()).ok());
  ApplyFeed();
  env_->writer->set_listener(nullptr);
}

TEST_F(SearchTest, FiltersOrWithinAndAcrossFields) {
  SearchRequest both;
  both.add_category("playpark");
  both.add_category("kodomo_shokudo");
  SearchRequest a, b;
  a.add_category("playpark");
  b.add_category("kodomo_shokudo");
  int na = Search(a).total(), nb = Search(b).total(), nboth = Search(both).total();
  EXPECT_GE(nboth, std::max(na, nb));
  EXPECT_LE(nboth, na + nb);
  SearchRequest across = b;
  across.add_weekday("sat");
  for (const auto& x : All(across)) {
    // Weekly and monthly listings say 土曜; dated events give the date (a Saturday).
    bool saturday =
        x.schedule_text().find("土") != std::string::npos || x.schedule_text().find("年") != std::string::npos;
    EXPECT_TRUE(saturday) << x.title() << " " << x.schedule_text();
  }
  EXPECT_LT(Search(across).total(), nb);
}

TEST_F(SearchTest, AgeAndFeeFilters) {
  SearchRequest r;
  r.set_age(2);
  for (const auto& x : All(r)) {
    if (!x.has_ages()) continue;
    EXPECT_LE(x.ages().min(), 2) << x.title();
    if (x.ages().max() > 0) {
      EXPECT_GE(x.ages().max(), 2) << x.title();
    }
  }
  SearchRequest f;
  f.add_fee("free");
  for (const auto& x : All(f)) EXPECT_TRUE(x.fee().free()) << x.title();
}

TEST_F(SearchTest, AgeBandFilterKeepsActivitiesWhoseAgesOverlapTheBand) {
  SearchRequest r;
  r.add_age_band("junior_high");  // 13..15
  auto found = All(r);
  ASSERT_FALSE(found.empty());
  for (const auto& x : found) {
    if (!x.has_ages() || (x.ages().min() == 0 && x.ages().max() == 0)) continue;
    EXPECT_LE(x.ages().min(), 15) << x.title();
    if (x.ages().max() > 0) EXPECT_GE(x.ages().max(), 13) << x.title();
  }
  // The band's own facet still counts every band (it is not narrowed by its own filter).
  SearchResponse resp = Search(r);
  EXPECT_GT(resp.facets().age_band_size(), 1);
  EXPECT_EQ(resp.total(), static_cast<int>(found.size()));
  SearchRequest bad;
  bad.add_age_band("toddler");
  auto rejected = env_->searcher->Search(bad);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().field(), "age_band");
}

TEST_F(SearchTest, EventsExpandSchedulesInOrder) {
  v1::EventsRequest r;
  r.set_from("2026-12-01");
  r.set_to("2026-12-31");
  r.mutable_filters()->add_category("kodomo_shokudo");
  auto events = env_->searcher->Events(r);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_GT(events->events_size(), 4);
  std::string last;
  for (const auto& e : events->events()) {
    EXPECT_GE(e.start(), last);
    EXPECT_GE(e.start().substr(0, 10), "2026-12-01");
    EXPECT_LE(e.start().substr(0, 10), "2026-12-31");
    EXPECT_NE(std::find(e.categories().begin(), e.categories().end(), "kodomo_shokudo"), e.categories().end());
    last = e.start();
  }
  // 大泉まちの子ども食堂 is every Saturday: the 5th, 12th, 19th and 26th of December 2026.
  int oizumi = 0;
  for (const auto& e : events->events()) oizumi += e.title() == "大泉まちの子ども食堂";
  EXPECT_EQ(oizumi, 4);
}

TEST_F(SearchTest, EventsAreExactlyTheSessionsOfEveryPublishedActivity) {
  // Brute force over the registry: every published activity's sessions in the range.
  const CivilDate from = *ParseCivilDate("2026-12-01"), to = *ParseCivilDate("2027-02-28");
  std::multiset<std::string> expected;
  storage::GroupFilter published;
  published.published_only = true;
  auto page = env_->store->List(500, "", published);
  ASSERT_TRUE(page.ok());
  for (const auto& g : page->groups)
    for (const auto& a : g.activities()) {
      if (a.status() != registry::v1::LISTING_STATUS_PUBLISHED &&
          a.status() != registry::v1::LISTING_STATUS_UNSPECIFIED)
        continue;
      for (const auto& o : model::OccurrencesBetween(a.schedules(), from, to))
        expected.insert(a.id() + " " + model::TokyoDateTime(o.date, o.opens));
    }
  v1::EventsRequest r;
  r.set_from("2026-12-01");
  r.set_to("2027-02-28");
  r.set_limit(limits::kMaxEvents);
  auto events = env_->searcher->Events(r);
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE(events->truncated());
  std::multiset<std::string> got;
  for (const auto& e : events->events()) got.insert(e.activity_id() + " " + e.start());
  EXPECT_EQ(got, expected);
  EXPECT_GT(got.size(), 100u);
}

TEST_F(SearchTest, EventsLimitTruncatesAndRangesAreChecked) {
  v1::EventsRequest r;
  r.set_from("2026-12-01");
  r.set_to("2026-12-31");
  r.set_limit(3);
  auto events = env_->searcher->Events(r);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->events_size(), 3);
  EXPECT_TRUE(events->truncated());
  const struct {
    const char* from;
    const char* to;
    const char* field;
  } bad[] = {{"2026-12-32", "2026-12-31", "from"},
             {"2026-12-01", "", "to"},
             {"2026-12-10", "2026-12-01", "to"},
             {"2026-01-01", "2026-12-31", "to"}};
  for (const auto& b : bad) {
    v1::EventsRequest e;
    e.set_from(b.from);
    e.set_to(b.to);
    auto result = env_->searcher->Events(e);
    ASSERT_FALSE(result.ok()) << b.from << " " << b.to;
    EXPECT_EQ(result.status().field(), b.field) << b.from << " " << b.to;
  }
}

TEST_F(SearchTest, GetActivityReturnsThePublicListingAndItsSessions) {
  SearchResponse found = Q("大泉まちの子ども食堂", 1);
  ASSERT_EQ(found.results_size(), 1);
  v1::GetActivityRequest r;
  r.set_activity_id(found.results(0).activity_id());
  r.set_today("2026-11-26");
  r.set_upcoming_days(14);
  auto detail = env_->searcher->GetActivity(r);
  ASSERT_TRUE(detail.ok()) << detail.status().ToString();
  EXPECT_EQ(detail->result().title(), "大泉まちの子ども食堂");
  EXPECT_FALSE(detail->description().empty());
  EXPECT_FALSE(detail->schedules().empty());
  EXPECT_EQ(detail->upcoming_size(), 2);  // Saturdays 11-28 and 12-05
  EXPECT_EQ(detail->result().next_occurrence().substr(0, 10), "2026-11-28");
  v1::GetActivityRequest missing;
  missing.set_activity_id("a_doesnotexist");
  EXPECT_EQ(env_->searcher->GetActivity(missing).status().code(), StatusCode::kNotFound);
}

TEST_F(SearchTest, GeoRadiusAndDistanceSort) {
  SearchRequest r;
  r.set_has_near(true);
  r.set_lat(35.7437);  // 石神井公園駅のあたり
  r.set_lon(139.6063);
  r.set_radius_m(1500);
  r.set_sort(v1::SORT_ORDER_DISTANCE);
  auto all = All(r);
  ASSERT_GT(all.size(), 2u);
  double last = 0;
  for (const auto& x : all) {
    ASSERT_TRUE(x.has_distance_m());
    EXPECT_LE(x.distance_m(), 1500);
    EXPECT_GE(x.distance_m(), last);
    last = x.distance_m();
  }
}

TEST_F(SearchTest, OpenOnUsesNthWeekdaysAndDates) {
  SearchRequest r;
  r.set_open_on("2026-12-12");  // the second Saturday of December 2026
  std::set<std::string> titles;
  for (const auto& x : All(r)) titles.insert(x.title());
  EXPECT_TRUE(titles.count("不登校の親の会 こねくと"));  // 第2・第4土
  EXPECT_TRUE(titles.count("大泉まちの子ども食堂"));     // every Saturday
  EXPECT_FALSE(titles.count("たまっこ食堂"));            // 第1・第3土 only
  SearchRequest d;
  d.set_open_on("2026-12-13");
  std::set<std::string> dated;
  for (const auto& x : All(d)) dated.insert(x.title());
  EXPECT_TRUE(dated.count("ねりま笑店街 2026冬"));
}

TEST_F(SearchTest, NextOccurrenceIsReported) {
  SearchResponse r = Q("ねりま笑店街");
  ASSERT_GT(r.results_size(), 0);
  EXPECT_EQ(r.results(0).next_occurrence(), "2026-12-13T10:00+09:00");
}

TEST_F(SearchTest, SnippetMarksWordsAndEscapesHtml) {
  SearchResponse r = Q("エスケープ確認 不登校");
  ASSERT_GT(r.results_size(), 0);
  const std::string& s = r.results(0).snippet();
  EXPECT_EQ(s.find("<script"), std::string::npos) << s;
  EXPECT_EQ(s.find("</script"), std::string::npos) << s;
  EXPECT_NE(s.find("&lt;/script&gt;"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>不登校</mark>"), std::string::npos) << s;
}

TEST_F(SearchTest, ExcludeAndPhrase) {
  for (const auto& x : All([] {
         SearchRequest r;
         r.set_q("居場所 -不登校");
         return r;
       }())) {
    EXPECT_EQ(x.title().find("不登校"), std::string::npos);
  }
  SearchResponse phrase = Q("\"毎週土曜\"");
  for (const auto& x : phrase.results()) EXPECT_NE(x.schedule_text().find("毎週土曜"), std::string::npos);
}

TEST_F(SearchTest, NeverFailsOnOddInput) {
  const std::string long_q(900, 'a');
  const char* odd[] = {"",    " ",          "\"", "\"\"", "-",   "--",   "-不登校", "NPO 法人ABC",    "(((",
                       "***", "OR AND NOT", "京", "🙂", "ｰｰｰ", "\t\n", "a\"b c",  "「こども食堂」", long_q.c_str()};
  for (const char* q : odd) {
    SearchRequest r;
    r.set_q(q);
    EXPECT_TRUE(env_->searcher->Search(r).ok()) << q;
  }
}

TEST_F(SearchTest, BadParametersNameTheField) {
  const std::pair<std::function<void(SearchRequest*)>, const char*> cases[] = {
      {[](SearchRequest* r) { r->set_q("\xff"); }, "q"},
      {[](SearchRequest* r) { r->add_category("nope"); }, "category"},
      {[](SearchRequest* r) { r->add_weekday("someday"); }, "weekday"},
      {[](SearchRequest* r) { r->set_page_size(1000); }, "page_size"},
      {[](SearchRequest* r) { r->set_page_token("x"); }, "page_token"},
      {[](SearchRequest* r) { r->set_open_on("2026-02-30"); }, "open_on"},
      {[](SearchRequest* r) { r->set_sort(v1::SORT_ORDER_DISTANCE); }, "sort"},
      {[](SearchRequest* r) { r->set_radius_m(100); }, "radius_m"},
  };
  for (const auto& [set, field] : cases) {
    SearchRequest r;
    set(&r);
    auto resp = env_->searcher->Search(r);
    EXPECT_EQ(resp.status().code(), StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(resp.status().field(), field);
  }
}

TEST_F(SearchTest, PagesAreDisjointAndCoverTheTotal) {
  SearchRequest r;
  r.set_q("居場所");
  r.set_page_size(4);
  std::set<std::string> seen;
  int pages = 0;
  int total = Search(r).total();
  for (;;) {
    SearchResponse resp = Search(r);
    for (const auto& x : resp.results()) EXPECT_TRUE(seen.insert(x.activity_id()).second);
    ++pages;
    if (resp.next_page_token().empty()) break;
    r.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(static_cast<int>(seen.size()), total);
  EXPECT_GT(pages, 1);
}

TEST_F(SearchTest, SuggestCompletesFromReadings) {
  v1::SuggestRequest s;
  s.set_q("ふと");
  auto r = env_->searcher->Suggest(s);
  ASSERT_TRUE(r.ok());
  std::set<std::string> texts;
  for (const auto& x : r->suggestions()) texts.insert(x.text());
  EXPECT_TRUE(texts.count("不登校")) << r->DebugString();
  s.set_q("こども");
  auto r2 = env_->searcher->Suggest(s);
  ASSERT_TRUE(r2.ok());
  ASSERT_GT(r2->suggestions_size(), 0);
}

TEST_F(SearchTest, SuggestionsShowNamesNeverTheirReadings) {
  // Every group's kana reading leads to its name, and no suggestion is a bare katakana reading.
  for (const char* q : {"ふと", "ふとうこう", "しゃく", "ねりま", "こども", "フト"}) {
    v1::SuggestRequest s;
    s.set_q(q);
    s.set_limit(20);
    auto r = env_->searcher->Suggest(s);
    ASSERT_TRUE(r.ok()) << q;
    for (const auto& x : r->suggestions()) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(x.text());
      bool all_katakana = u.length() > 6;
      for (int32_t i = 0; i < u.length() && all_katakana; ++i) all_katakana = u[i] >= 0x30A0 && u[i] <= 0x30FF;
      EXPECT_FALSE(all_katakana) << q << " suggested the reading " << x.text();
    }
  }
  v1::SuggestRequest name;
  name.set_q("しゃくじいちい");
  auto r = env_->searcher->Suggest(name);
  ASSERT_TRUE(r.ok());
  bool found = false;
  for (const auto& x : r->suggestions()) found |= x.text().find("小さなうち") != std::string::npos;
  EXPECT_TRUE(found) << "the reading of a group's name suggests the name: " << r->DebugString();
}

TEST_F(SearchTest, AWrongKanjiWithTheRightReadingIsCorrected) {
  const struct {
    const char* typed;
    const char* meant;  // the correction shown; "": found as typed, through the reading
    const char* category;
  } cases[] = {{"不登効", "不登校", "futoukou"}, {"居場書", "居場所", "ibasho"}, {"子供食道", "", "kodomo_shokudo"}};
  for (const auto& c : cases) {
    SearchResponse r = Q(c.typed, 3);
    ASSERT_GT(r.results_size(), 0) << c.typed;
    EXPECT_NE(r.interpretation().corrected().find(c.meant), std::string::npos)
        << c.typed << " → " << r.interpretation().corrected();
    const auto& cats = r.results(0).categories();
    EXPECT_NE(std::find(cats.begin(), cats.end(), c.category), cats.end()) << c.typed << " → " << r.results(0).title();
  }
}

TEST_F(SearchTest, DidYouMean) {
  SearchResponse r = Q("フリースクル");
  EXPECT_EQ(r.did_you_mean(), "フリースクール");
  // Words the index holds are not "corrected" to a neighbour (小学生 → 大学生), even when the
  // filters leave few results.
  SearchRequest held;
  held.set_q("小学生");
  held.add_municipality("京都市");
  EXPECT_EQ(Search(held).did_you_mean(), "");
}

TEST_F(SearchTest, IndexHoldsNoPrivateContactData) {
  Xapian::Database db(env_->dir->File("index"));
  for (Xapian::PostingIterator it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::Document doc = db.get_document(*it);
    std::string data = doc.get_data();
    EXPECT_EQ(data.find("03-0000-0101"), std::string::npos);
    EXPECT_EQ(data.find("rep@example.invalid"), std::string::npos);
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      const std::string term = *t;
      bool is_id = term.rfind(kTermActivityId, 0) == 0 || term.rfind(kTermGroupId, 0) == 0;  // random ids
      if (!is_id) {
        EXPECT_EQ(term.find("0101"), std::string::npos) << term;
      }
    }
  }
}

// A commit that lands while a search reads can discard the revision the search started on
// (Xapian keeps two): the search must start again on the new one, never fail.
TEST_F(SearchTest, SearchesNeverFailWhileTheWriterCommits) {
  SearcherOptions o;
  o.index_path = env_->dir->File("index");
  auto searcher = std::move(Searcher::Open(o, *env_->tokenizer, *env_->dictionary)).value();
  auto page = env_->store->List(1, "");
  ASSERT_TRUE(page.ok() && !page->groups.empty());
  Group group = page->groups[0];
  std::atomic<bool> writing{true};
  std::atomic<int> searches{0}, failures{0};
  std::string first_failure;
  std::mutex failure_mu;
  auto search_loop = [&] {
    const char* queries[] = {"不登校", "こども食堂 土曜", "学校、行きたくない", "居場所", "プレーパーク", ""};
    for (int i = 0; writing.load(); ++i) {
      SearchRequest r;
      r.set_q(queries[i % 6]);
      r.set_page_size(20);
      r.set_today("2026-11-26");
      auto resp = searcher->Search(r);
      ++searches;
      if (!resp.ok()) {
        ++failures;
        std::lock_guard<std::mutex> lock(failure_mu);
        if (first_failure.empty()) first_failure = resp.status().ToString();
      }
    }
  };
  std::thread a(search_loop), b(search_loop);
  for (int i = 0; i < 150; ++i) {
    group.set_description("説明 " + std::to_string(i) + " 不登校の子も来ています");
    auto updated = env_->store->Update(group, 0);
    ASSERT_TRUE(updated.ok()) << updated.status().ToString();
    group = *updated;
    ApplyFeed();
  }
  writing = false;
  a.join();
  b.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(failures.load(), 0) << first_failure;
}

TEST_F(SearchTest, ReopenedWriterResumesFromItsCursor) {
  int64_t cursor = env_->writer->AppliedCursor();
  uint32_t docs = env_->writer->DocCount();
  env_->writer.reset();
  env_->writer = std::move(IndexWriter::Open(env_->dir->File("index"), *env_->tokenizer)).value();
  EXPECT_EQ(env_->writer->AppliedCursor(), cursor);
  // Replaying already-applied changes changes nothing.
  auto events = env_->store->ChangesAfter(0, 1000, true);
  registry::v1::ChangeBatch batch;
  for (auto& e : *events) *batch.add_events() = e;
  ASSERT_TRUE(env_->writer->Apply(batch).ok());
  EXPECT_EQ(env_->writer->DocCount(), docs);
  EXPECT_EQ(env_->writer->AppliedCursor(), cursor);
}

}  // namespace
}  // namespace ibasho::search
