// Query-side knowledge loaded from data files (search/dict/*.tsv), so vocabulary can change
// without recompiling:
//   synonyms.tsv  one set of interchangeable words per line (子ども こども 子供)
//   concepts.tsv  word → facet it names (こども食堂 → category:kodomo_shokudo, 土曜 → weekday:sat)
//   intents.tsv   phrase from a worry → categories it points to (行きたくない → futoukou)
// Entries match the query by normalised surface, and by katakana reading so that children's
// hiragana (がっこういきたくない) meets the kanji entry. Immutable after Load; thread-safe.
#ifndef IBASHO_SEARCH_ANALYSIS_QUERY_DICTIONARY_H_
#define IBASHO_SEARCH_ANALYSIS_QUERY_DICTIONARY_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "search/analysis/tokenizer.h"

namespace ibasho::search {

struct Concept {
  std::string field;  // category | weekday
  std::string value;
};

struct DictionaryEntry {
  std::string surface;                // normalised
  std::vector<std::string> variants;  // normalised synonyms, not including surface
  std::vector<Concept> concepts;
};

struct IntentMatch {
  std::string phrase;  // the intent phrase as written in intents.tsv
  std::vector<std::string> categories;
};

class QueryDictionary {
 public:
  // Reads the three files from dir. InvalidArgument names the file and line of a bad entry.
  static StatusOr<std::unique_ptr<QueryDictionary>> Load(const std::string& dir, const Tokenizer& tokenizer);

  // The longest entry whose surface starts at byte offset pos of normalised text; nullptr if none.
  // *length receives the matched byte length.
  const DictionaryEntry* LongestMatchAt(std::string_view text, size_t pos, size_t* length) const;
  // The entry whose reading equals the katakana form of a kana-only word; nullptr if none.
  const DictionaryEntry* MatchByReading(std::string_view kana_word) const;
  // Intent phrases found in the query (compared as katakana readings, ignoring punctuation).
  std::vector<IntentMatch> MatchIntents(std::string_view normalized_query, const Tokenizer& tokenizer) const;

  size_t size() const { return entries_.size(); }

 private:
  DictionaryEntry& EntryFor(const std::string& surface);

  std::map<std::string, DictionaryEntry> entries_;  // by surface
  std::map<std::string, std::string> by_reading_;   // reading → surface (unambiguous readings only)
  size_t max_entry_bytes_ = 0;
  struct Intent {
    std::string phrase;
    std::string reading;
    std::vector<std::string> categories;
  };
  std::vector<Intent> intents_;
};

// Keeps only the katakana characters of a reading, so punctuation and spaces do not matter.
std::string ReadingKey(std::string_view reading);

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ANALYSIS_QUERY_DICTIONARY_H_
