#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/normalizer.h"
#include "search/analysis/analyzer.h"
#include "search/analysis/query_dictionary.h"
#include "search/analysis/query_translator.h"
#include "search/analysis/tokenizer.h"

namespace ibasho::search {
namespace {

const Tokenizer& SharedTokenizer() {
  static std::unique_ptr<Tokenizer> t = [] {
    TokenizerOptions o;
    o.userdic = IBASHO_TEST_USERDIC;
    auto r = Tokenizer::Create(o);
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return std::move(r).value();
  }();
  return *t;
}

std::vector<std::string> ContentSurfaces(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : SharedTokenizer().Tokenize(Normalize(text)))
    if (t.content) out.push_back(t.surface);
  return out;
}

TEST(Tokenizer, UserDictionaryKeepsDomainWordsWhole) {
  EXPECT_EQ(ContentSurfaces("不登校の子"), (std::vector<std::string>{"不登校", "子"}));
  EXPECT_EQ(ContentSurfaces("こども食堂に行く"), (std::vector<std::string>{"こども食堂", "行く"}));
  EXPECT_EQ(ContentSurfaces("プレーパークで遊ぶ"), (std::vector<std::string>{"プレーパーク", "遊ぶ"}));
}

TEST(Tokenizer, ParticlesAndSymbolsAreNotContent) {
  EXPECT_EQ(ContentSurfaces("学校、行きたくない"), (std::vector<std::string>{"学校", "行き"}));
}

TEST(Tokenizer, OrthographicVariantsShareAReading) {
  const char* variants[] = {"子ども", "こども", "子供", "コドモ"};
  for (const char* v : variants) EXPECT_EQ(ReadingKey(SharedTokenizer().Reading(v)), "コドモ") << v;
  EXPECT_EQ(ReadingKey(SharedTokenizer().Reading("不登校")), ReadingKey("ふとうこう"));
}

TEST(Analyzer, CharBigramRunsBreakAtPunctuationAndAscii) {
  auto runs = CharBigramRuns("東京都・練馬区 abc");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0], (std::vector<std::string>{"東京", "京都"}));
  EXPECT_EQ(runs[1], (std::vector<std::string>{"練馬", "馬区"}));
}

TEST(Analyzer, ReadingBigramsKeepLongVowels) {
  EXPECT_EQ(ReadingBigrams("プレー"), (std::vector<std::string>{"プレ", "レー"}));
  EXPECT_EQ(ReadingBigrams("コ"), (std::vector<std::string>{"コ"}));
}

TEST(Analyzer, IndexesWordsReadingsAndBigrams) {
  DocumentAnalyzer analyzer(SharedTokenizer());
  Xapian::Document doc;
  PositionState pos;
  std::vector<std::string> nouns;
  analyzer.IndexText("子供の居場所", 1, &doc, &pos, &nouns);
  std::set<std::string> terms(doc.termlist_begin(), doc.termlist_end());
  EXPECT_TRUE(terms.count("子供"));
  EXPECT_TRUE(terms.count("居場所"));
  EXPECT_TRUE(terms.count("Kコド"));  // reading bigram shared with こども/子ども
  EXPECT_TRUE(terms.count("N子供"));  // character bigram
  EXPECT_TRUE(terms.count(std::string("XRコドモ") + kSuggestSeparator + "子供"));
  EXPECT_FALSE(terms.count("の"));  // particles are not indexed as words
  EXPECT_NE(std::find(nouns.begin(), nouns.end(), "居場所"), nouns.end());
}

TEST(QueryTranslator, EnglishAndRomajiReadAsJapanese) {
  auto t = QueryTranslator::Load(IBASHO_SOURCE_DIR "/search/dict/english.tsv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const struct {
    const char* query;
    const char* japanese;  // "" : not translated
  } cases[] = {
      {"food for children", "こども食堂 こども"},
      {"help with homework", "学習支援"},
      {"kids who stay home from school", "こども 不登校"},
      {"children's cafeteria on saturday", "こども食堂 土曜"},
      {"free school", "フリースクール"},
      {"kodomo no ibasho", "居場所"},
      {"shokudou", "食堂"},
      {"hikarigaoka", "ヒカリガオカ"},  // romaji, met by readings
      {"kosodate hiroba", "子育て ヒロバ"},
      {"school", ""},      // English that is not in the dictionary is not kana
      {"the a for", ""},   // nothing that means anything
      {"こども食堂", ""},  // Japanese stays as typed
      {"kodomo 食堂", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    Translation tr = (*t)->Translate(c.query);
    EXPECT_EQ(tr.translated, *c.japanese != '\0') << c.query;
    EXPECT_EQ(tr.japanese, c.japanese) << c.query;
  }
}

TEST(QueryDictionary, LoadsRepositoryDictionaries) {
  auto d = QueryDictionary::Load(IBASHO_SOURCE_DIR "/search/dict", SharedTokenizer());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  size_t len = 0;
  const DictionaryEntry* e = (*d)->LongestMatchAt("子供食堂", 0, &len);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(len, std::string("子供食堂").size());
  // Synonyms share concepts: 子供食堂 names the category that こども食堂 does.
  ASSERT_FALSE(e->concepts.empty());
  EXPECT_EQ(e->concepts[0].value, "kodomo_shokudo");
  EXPECT_NE((*d)->MatchByReading("ふとうこう"), nullptr);
}

TEST(QueryDictionary, WorriesFromTheFlyerMapToCategories) {
  auto d = QueryDictionary::Load(IBASHO_SOURCE_DIR "/search/dict", SharedTokenizer());
  ASSERT_TRUE(d.ok());
  struct Case {
    const char* worry;
    const char* category;
  } cases[] = {
      {"学校、行きたくない", "futoukou"},
      {"がっこういきたくない", "futoukou"},
      {"家と学校以外の居場所がほしい", "ibasho"},
      {"おうち、辛い", "ibasho"},
      {"おうち、辛い", "soudan"},
      {"ゆっくり勉強につき合ってくれる人いないかな", "gakushu"},
      {"思いっきり遊びたい", "playpark"},
      {"うちの子ちょっと個性的かな", "hattatsu"},
  };
  for (const auto& c : cases) {
    bool found = false;
    for (const auto& m : (*d)->MatchIntents(Normalize(c.worry), SharedTokenizer()))
      for (const auto& cat : m.categories) found |= cat == c.category;
    EXPECT_TRUE(found) << c.worry << " → " << c.category;
  }
  EXPECT_TRUE((*d)->MatchIntents("こども食堂", SharedTokenizer()).empty());
}

TEST(QueryDictionary, BadLineNamesFileAndLine) {
  char dir[] = "/tmp/ibasho_dict_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string d(dir);
  std::ofstream(d + "/synonyms.tsv") << "子ども\tこども\n";
  std::ofstream(d + "/concepts.tsv") << "# comment\nこども食堂\tcategory:no_such_category\n";
  std::ofstream(d + "/intents.tsv") << "";
  auto r = QueryDictionary::Load(d, SharedTokenizer());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("concepts.tsv:2"), std::string::npos) << r.status().message();
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace ibasho::search
