// Document-side analysis: turns Japanese text into Xapian terms in several families, each with its
// own prefix so queries can weigh them differently:
//   (none) word surface, positional         — exact word and phrase matches rank highest
//   Z      dictionary form when it differs  — 行き → 行く
//   R      katakana reading of a word           — 子ども/こども/子供/コドモ and ふとうこう meet, cheaply
//   K      katakana reading bigrams, positional — readings across word boundaries (deep fallback)
//   N      character bigrams, positional    — unknown words, names, substrings
//   XR     reading + \x1f + surface of nouns (boolean) — completion (GET /v1/suggest)
// Thread-safe if the Tokenizer is (it is).
#ifndef IBASHO_SEARCH_ANALYSIS_ANALYZER_H_
#define IBASHO_SEARCH_ANALYSIS_ANALYZER_H_

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "search/analysis/tokenizer.h"

namespace ibasho::search {

inline constexpr char kPrefixBase[] = "Z";
inline constexpr char kPrefixReadingWord[] = "R";
inline constexpr char kPrefixReading[] = "K";
inline constexpr char kPrefixBigram[] = "N";
inline constexpr char kPrefixSuggest[] = "XR";
inline constexpr char kSuggestSeparator = '\x1f';
inline constexpr size_t kMaxTermBytes = 240;

// The normalised form a word takes as a term (folds コミュニティー → コミュニティ).
std::string WordTerm(std::string_view normalized_surface);
// Character bigrams of a normalised run, skipping spaces and punctuation (they break runs).
// A run of one character yields that character alone.
std::vector<std::vector<std::string>> CharBigramRuns(std::string_view normalized);
// Bigrams of a katakana reading (long vowel kept), or the reading itself when it is one character.
std::vector<std::string> ReadingBigrams(std::string_view reading);

struct PositionState {
  Xapian::termpos word = 0;
  Xapian::termpos reading = 0;
  Xapian::termpos bigram = 0;
};

class DocumentAnalyzer {
 public:
  explicit DocumentAnalyzer(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

  // Normalises text and adds its terms to doc, each occurrence counting weight toward wdf.
  // Positions continue from *pos and leave a gap after the text. Appends the nouns it found
  // (normalised surface) to nouns when given.
  void IndexText(std::string_view text, int weight, Xapian::Document* doc, PositionState* pos,
                 std::vector<std::string>* nouns = nullptr) const;
  // Indexes kana, the reading of name (e.g. a group's name_kana), like IndexText, except that
  // typing the reading suggests name itself, never the reading.
  void IndexReadingOf(std::string_view name, std::string_view kana, int weight, Xapian::Document* doc,
                      PositionState* pos) const;
  const Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  void Index(std::string_view text, int weight, Xapian::Document* doc, PositionState* pos,
             std::vector<std::string>* nouns, bool suggest) const;
  const Tokenizer& tokenizer_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ANALYSIS_ANALYZER_H_
