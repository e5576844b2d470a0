// Turns what a person typed into query trees (query_node.h). Never fails: any input becomes a query
// (possibly matching nothing). Xapian's QueryParser is not used: with CJK n-grams it throws on
// mixed input such as "NPO 法人ABC".
//
// Whitespace-separated chunks must all match (strict); when nothing does, the relaxed query ranks
// documents by how many of the words they match. "quoted text" must appear as written; -word excludes.
// Dictionary words expand to their synonyms and boost the facet they name; worry phrases
// (学校、行きたくない) boost the categories they point to.
#ifndef IBASHO_SEARCH_QUERY_QUERY_BUILDER_H_
#define IBASHO_SEARCH_QUERY_QUERY_BUILDER_H_

#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ibasho/search/v1/search.pb.h"
#include "search/analysis/query_dictionary.h"
#include "search/query/query_node.h"
#include "search/analysis/tokenizer.h"

namespace ibasho::search {

struct BuiltQuery {
  bool has_text = false;  // false: no words, only filters (match all)
  QueryNode strict;       // every chunk required
  QueryNode relaxed;      // any word of any chunk (a worry: any chunk); same as strict for one word
  QueryNode deep;         // relaxed plus reading and character n-gram phrases (costly; last resort)
  QueryNode exclude;      // documents to drop (-word); empty when none
  v1::Interpretation interpretation;
  std::vector<std::string> highlight_words;     // normalised words to mark in snippets
  std::vector<std::string> highlight_readings;  // katakana readings to mark in snippets
  std::vector<std::string> spell_words;         // words to check for did_you_mean
};

class QueryBuilder {
 public:
  // Both must outlive the builder. Thread-safe.
  QueryBuilder(const Tokenizer& tokenizer, const QueryDictionary& dictionary)
      : tokenizer_(tokenizer), dictionary_(dictionary) {}

  // Names a municipality the index knows as name (as written, or read the same in kana), or "".
  using MunicipalityResolver = std::function<std::string(const std::string&)>;

  // literal=true skips intent and concept interpretation (the user undid it). municipality_named
  // may be empty (no municipality concepts).
  BuiltQuery Build(std::string_view q, bool literal, const MunicipalityResolver& municipality_named) const;

 private:
  // deep adds positional reading-bigram and character-bigram phrases: they find words across
  // segmentation differences but cost an order of magnitude more, so they are a fallback.
  QueryNode TextQuery(const std::string& surface, const std::string& base, const std::string& reading, bool deep,
                      BuiltQuery* out) const;
  // Appends the alternatives for one word (its form, dictionary form, reading; with deep, the
  // phrases), weighted by weight, skipping any already in seen.
  void AddTextAlternatives(const std::string& surface, const std::string& base, const std::string& reading, bool deep,
                           double weight, std::set<std::string>* seen, std::vector<QueryNode>* alts,
                           BuiltQuery* out) const;
  QueryNode EntryQuery(const DictionaryEntry& entry, bool literal, bool deep, BuiltQuery* out) const;
  // worry: the query voices a worry (an intent matched), so its verbs and adjectives carry the
  // meaning (家に帰りたくない) and stay required; otherwise they only rank.
  // Returns what the chunk must match; *relaxed gets what it may match when nothing does (any of
  // its words).
  QueryNode ChunkQuery(const std::string& chunk, bool literal, bool deep, bool worry,
                       const MunicipalityResolver& municipality_named, BuiltQuery* out, QueryNode* relaxed) const;

  // One pass over the normalised query, shallow or deep, filling out's queries and notes.
  void BuildPass(const std::string& normalized, bool literal, bool deep, const MunicipalityResolver& municipality_named,
                 BuiltQuery* out) const;

  const Tokenizer& tokenizer_;
  const QueryDictionary& dictionary_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_QUERY_QUERY_BUILDER_H_
