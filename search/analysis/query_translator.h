// English and romaji queries read as Japanese, for foreign residents: phrases of dict/english.tsv
// become the Japanese words listed (longest match first, whole words); other words of Latin
// letters are read as romaji (ICU Latin-Katakana) and met by the index's readings. A query with
// any Japanese in it is left alone. Immutable after Load; thread-safe.
#ifndef IBASHO_SEARCH_ANALYSIS_QUERY_TRANSLATOR_H_
#define IBASHO_SEARCH_ANALYSIS_QUERY_TRANSLATOR_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibasho::search {

struct Translation {
  bool translated = false;  // the query was English or romaji and was read as japanese
  std::string japanese;     // the words to search for, space-separated
};

class QueryTranslator {
 public:
  // Reads english.tsv; InvalidArgument names the line of a bad entry.
  static StatusOr<std::unique_ptr<QueryTranslator>> Load(const std::string& path);
  ~QueryTranslator();

  // normalized_query: as common/normalizer.h makes it (lower case, NFKC). Not translated when it
  // holds anything but ASCII, or when no word of it means anything.
  Translation Translate(std::string_view normalized_query) const;
  size_t size() const { return phrases_.size(); }

 private:
  QueryTranslator() = default;
  std::string Romaji(const std::string& word) const;  // katakana, or "" when it does not read

  std::map<std::vector<std::string>, std::string> phrases_;  // words → Japanese ("" = drop)
  size_t max_words_ = 1;
  struct Icu;
  std::unique_ptr<Icu> icu_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ANALYSIS_QUERY_TRANSLATOR_H_
