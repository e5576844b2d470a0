#include "search/analysis/query_translator.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <fstream>
#include <mutex>

#include "common/normalizer.h"

namespace ibasho::search {
namespace {

// Lower-case words of ASCII text: letters, digits, and the apostrophes and hyphens inside them;
// "'s" dropped (children's → children).
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    while (!word.empty() && (word.back() == '\'' || word.back() == '-')) word.pop_back();
    if (word.size() > 2 && word.ends_with("'s")) word.resize(word.size() - 2);
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || ((c == '\'' || c == '-') && !word.empty()))
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else
      flush();
  }
  flush();
  return words;
}

bool IsVowel(char c) { return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o'; }

// Whether word spells Japanese syllables in Hepburn or Kunrei romaji (ka, shi, tsu, kyo, n, a
// doubled consonant…), so that English words (school, help) are not read as kana.
bool IsRomaji(std::string_view w) {
  static const std::string_view kConsonants = "kgsztdnhbpmyrwfjc";
  size_t i = 0;
  while (i < w.size()) {
    if (IsVowel(w[i])) {
      ++i;
      continue;
    }
    if (w.substr(i).starts_with("sh") || w.substr(i).starts_with("ch") || w.substr(i).starts_with("ts")) {
      if (i + 2 < w.size() && IsVowel(w[i + 2])) {
        i += 3;
        continue;
      }
      return false;
    }
    if (w[i] == 'n' && (i + 1 == w.size() || (!IsVowel(w[i + 1]) && w[i + 1] != 'y'))) {
      ++i;  // ん
      continue;
    }
    if (kConsonants.find(w[i]) == std::string_view::npos || w[i] == 'c') return false;
    if (i + 1 < w.size() && w[i + 1] == w[i] && w[i] != 'n') {
      ++i;  // っ
      continue;
    }
    if (i + 1 < w.size() && IsVowel(w[i + 1])) {
      i += 2;
      continue;
    }
    if (i + 2 < w.size() && w[i + 1] == 'y' && IsVowel(w[i + 2])) {
      i += 3;
      continue;
    }
    return false;
  }
  return true;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

// ICU's transliterator is not thread-safe: one instance under a mutex (queries are short).
struct QueryTranslator::Icu {
  std::mutex mu;
  std::unique_ptr<icu::Transliterator> latin_katakana;
};

QueryTranslator::~QueryTranslator() = default;

StatusOr<std::unique_ptr<QueryTranslator>> QueryTranslator::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "cannot read " + path);
  std::unique_ptr<QueryTranslator> t(new QueryTranslator());
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos)
      return InvalidArgument(path + ":" + std::to_string(n) + ": expected phrase<TAB>japanese");
    std::vector<std::string> words = Words(line.substr(0, tab));
    std::string japanese = line.substr(tab + 1);
    if (words.empty() || japanese.empty())
      return InvalidArgument(path + ":" + std::to_string(n) + ": an empty phrase or translation");
    t->max_words_ = std::max(t->max_words_, words.size());
    t->phrases_[words] = japanese == "-" ? "" : japanese;
  }
  UErrorCode status = U_ZERO_ERROR;
  t->icu_ = std::make_unique<Icu>();
  t->icu_->latin_katakana.reset(icu::Transliterator::createInstance("Latin-Katakana", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) return Status(StatusCode::kUnavailable, "ICU has no Latin-Katakana transliterator");
  return t;
}

std::string QueryTranslator::Romaji(const std::string& word) const {
  // One-letter words and English words are not romaji; a word must read wholly as kana.
  if (word.size() < 2 || !IsRomaji(word)) return "";
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(word);
  {
    std::lock_guard<std::mutex> lock(icu_->mu);
    icu_->latin_katakana->transliterate(text);
  }
  std::string out;
  text.toUTF8String(out);
  for (unsigned char c : out)
    if (c < 0x80) return "";  // letters left over: not romaji
  return out;
}

Translation QueryTranslator::Translate(std::string_view normalized_query) const {
  Translation t;
  if (!IsAscii(normalized_query)) return t;
  std::vector<std::string> words = Words(normalized_query);
  std::vector<std::string> out;
  bool meaningful = false;
  for (size_t i = 0; i < words.size();) {
    size_t matched = 0;
    for (size_t n = std::min(max_words_, words.size() - i); n > 0 && !matched; --n) {
      auto it = phrases_.find(std::vector<std::string>(words.begin() + i, words.begin() + i + n));
      if (it == phrases_.end()) continue;
      matched = n;
      if (!it->second.empty()) {
        if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
        meaningful = true;
      }
    }
    if (!matched) {
      std::string kana = Romaji(words[i]);
      if (!kana.empty()) {
        out.push_back(kana);
        meaningful = true;
      }
      matched = 1;
    }
    i += matched;
  }
  if (!meaningful) return t;
  t.translated = true;
  for (const auto& w : out) t.japanese += (t.japanese.empty() ? "" : " ") + w;
  return t;
}

}  // namespace ibasho::search
