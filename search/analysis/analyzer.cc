#include "search/analysis/analyzer.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "common/normalizer.h"

namespace ibasho::search {
namespace {

bool IsBreakChar(UChar32 c) {
  if (c == ' ' || u_isUWhiteSpace(c)) return true;
  int8_t type = u_charType(c);
  switch (type) {
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
      return c != 0x30FC;  // the long-vowel mark belongs to the word
    default:
      return false;
  }
}

// ASCII letters and digits form words on their own; bigrams are for scripts without spaces.
bool IsAsciiAlnum(UChar32 c) { return c < 0x80 && (std::isalnum(static_cast<int>(c)) != 0); }

void AddTerm(Xapian::Document* doc, const std::string& term, int weight, Xapian::termpos* pos) {
  if (term.empty() || term.size() > kMaxTermBytes) return;
  if (pos) {
    doc->add_posting(term, ++*pos, weight);
  } else {
    doc->add_term(term, weight);
  }
}

}  // namespace

std::string WordTerm(std::string_view normalized_surface) { return FoldKatakanaLongVowel(normalized_surface); }

std::vector<std::vector<std::string>> CharBigramRuns(std::string_view normalized) {
  std::vector<std::vector<std::string>> runs;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(normalized.data(), normalized.size()));
  std::vector<std::string> chars;
  auto flush = [&] {
    if (chars.size() == 1) {
      runs.push_back({chars[0]});
    } else if (chars.size() > 1) {
      std::vector<std::string> run;
      for (size_t i = 0; i + 1 < chars.size(); ++i) run.push_back(chars[i] + chars[i + 1]);
      runs.push_back(std::move(run));
    }
    chars.clear();
  };
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (IsBreakChar(c) || IsAsciiAlnum(c)) {
      flush();
      continue;
    }
    std::string s;
    icu::UnicodeString(c).toUTF8String(s);
    chars.push_back(std::move(s));
  }
  flush();
  return runs;
}

std::vector<std::string> ReadingBigrams(std::string_view reading) {
  std::vector<std::string> out;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(reading.data(), reading.size()));
  std::vector<std::string> chars;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!(c >= 0x30A0 && c <= 0x30FF)) continue;  // readings are katakana; drop anything else
    std::string s;
    icu::UnicodeString(c).toUTF8String(s);
    chars.push_back(std::move(s));
  }
  if (chars.size() == 1) out.push_back(chars[0]);
  for (size_t i = 0; i + 1 < chars.size(); ++i) out.push_back(chars[i] + chars[i + 1]);
  return out;
}

void DocumentAnalyzer::IndexText(std::string_view text, int weight, Xapian::Document* doc, PositionState* pos,
                                 std::vector<std::string>* nouns) const {
  Index(text, weight, doc, pos, nouns, /*suggest=*/true);
}

void DocumentAnalyzer::IndexReadingOf(std::string_view name, std::string_view kana, int weight,
                                      Xapian::Document* doc, PositionState* pos) const {
  Index(kana, weight, doc, pos, nullptr, /*suggest=*/false);
  std::string reading = FoldKatakanaLongVowel(ToKatakana(Normalize(kana)));
  std::string surface = WordTerm(Normalize(name));
  if (CharCount(reading) >= 2 && !surface.empty())
    AddTerm(doc, std::string(kPrefixSuggest) + reading + kSuggestSeparator + surface, 0, nullptr);
}

void DocumentAnalyzer::Index(std::string_view text, int weight, Xapian::Document* doc, PositionState* pos,
                             std::vector<std::string>* nouns, bool suggest) const {
  std::string norm = Normalize(text);
  if (norm.empty()) return;
  std::string reading_run;
  auto flush_reading = [&] {
    for (const auto& bg : ReadingBigrams(reading_run)) AddTerm(doc, kPrefixReading + bg, weight, &pos->reading);
    pos->reading += 2;  // no phrase across a break
    reading_run.clear();
  };
  for (const Token& tok : tokenizer_.Tokenize(norm)) {
    bool is_break = tok.surface.size() <= 3 && IsBreakChar(icu::UnicodeString::fromUTF8(tok.surface).char32At(0));
    if (is_break) {
      flush_reading();
      continue;
    }
    reading_run += ToKatakana(tok.reading);
    if (!tok.content) continue;
    std::string word = WordTerm(tok.surface);
    AddTerm(doc, word, weight, &pos->word);
    std::string base = WordTerm(Normalize(tok.base));
    if (base != word) AddTerm(doc, kPrefixBase + base, weight, nullptr);
    std::string reading = FoldKatakanaLongVowel(ToKatakana(tok.reading));
    if (CharCount(reading) >= 2) AddTerm(doc, kPrefixReadingWord + reading, weight, nullptr);
    if (tok.noun) {
      if (suggest) AddTerm(doc, std::string(kPrefixSuggest) + reading + kSuggestSeparator + word, 0, nullptr);
      if (nouns) nouns->push_back(word);
    }
  }
  flush_reading();
  for (const auto& run : CharBigramRuns(norm)) {
    if (run.size() == 1 && CharCount(run[0]) == 1) continue;  // single characters are too common
    for (const auto& bg : run) AddTerm(doc, kPrefixBigram + bg, weight, &pos->bigram);
    pos->bigram += 2;
  }
  pos->word += 2;
}

}  // namespace ibasho::search
