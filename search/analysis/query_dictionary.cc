#include "search/analysis/query_dictionary.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/taxonomy.h"
#include "common/normalizer.h"
#include "common/weekday.h"

namespace ibasho::search {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t')) {
    if (!cell.empty() && cell.back() == '\r') cell.pop_back();
    if (!cell.empty()) out.push_back(cell);
  }
  return out;
}

// Calls fn(line_number, cells) for each non-empty, non-comment line.
template <typename Fn>
Status ForEachLine(const std::string& path, Fn fn) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kUnavailable, "cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto cells = SplitTabs(line);
    if (cells.empty()) continue;
    Status s = fn(n, cells);
    if (!s.ok()) return InvalidArgument(path + ":" + std::to_string(n) + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace

std::string ReadingKey(std::string_view reading) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(reading.data(), reading.size()));
  icu::UnicodeString out;
  for (int32_t i = 0; i < u.length(); ++i) {
    UChar c = u.charAt(i);
    if (c >= 0x3041 && c <= 0x3096) c = static_cast<UChar>(c + 0x60);
    if (c >= 0x30A1 && c <= 0x30FC) out.append(c);
  }
  std::string s;
  out.toUTF8String(s);
  return s;
}

DictionaryEntry& QueryDictionary::EntryFor(const std::string& surface) {
  auto& e = entries_[surface];
  e.surface = surface;
  max_entry_bytes_ = std::max(max_entry_bytes_, surface.size());
  return e;
}

StatusOr<std::unique_ptr<QueryDictionary>> QueryDictionary::Load(const std::string& dir, const Tokenizer& tokenizer) {
  std::unique_ptr<QueryDictionary> d(new QueryDictionary());
  Status s = ForEachLine(dir + "/synonyms.tsv", [&](int, const std::vector<std::string>& cells) {
    if (cells.size() < 2) return InvalidArgument("a synonym set needs at least two words");
    std::vector<std::string> words;
    for (const auto& c : cells) words.push_back(Normalize(c));
    for (const auto& w : words) {
      auto& e = d->EntryFor(w);
      for (const auto& other : words)
        if (other != w && std::find(e.variants.begin(), e.variants.end(), other) == e.variants.end())
          e.variants.push_back(other);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  s = ForEachLine(dir + "/concepts.tsv", [&](int, const std::vector<std::string>& cells) {
    if (cells.size() < 2) return InvalidArgument("expected: word<TAB>field:value[,field:value]");
    auto& e = d->EntryFor(Normalize(cells[0]));
    std::stringstream ss(cells[1]);
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto colon = item.find(':');
      if (colon == std::string::npos) return InvalidArgument("expected field:value, got " + item);
      Concept c{item.substr(0, colon), item.substr(colon + 1)};
      if (c.field == "category" && !CategoryLabel(c.value)) return InvalidArgument("unknown category " + c.value);
      if (c.field == "weekday" && WeekdayIndex(c.value) < 0) return InvalidArgument("unknown weekday " + c.value);
      if (c.field != "category" && c.field != "weekday") return InvalidArgument("unknown field " + c.field);
      e.concepts.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  s = ForEachLine(dir + "/intents.tsv", [&](int, const std::vector<std::string>& cells) {
    if (cells.size() < 2) return InvalidArgument("expected: phrase<TAB>category[,category]");
    Intent intent;
    intent.phrase = cells[0];
    intent.reading = ReadingKey(tokenizer.Reading(Normalize(cells[0])));
    if (intent.reading.empty()) return InvalidArgument("phrase has no reading: " + cells[0]);
    std::stringstream ss(cells[1]);
    std::string cat;
    while (std::getline(ss, cat, ',')) {
      if (!CategoryLabel(cat)) return InvalidArgument("unknown category " + cat);
      intent.categories.push_back(cat);
    }
    d->intents_.push_back(std::move(intent));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  // A synonym set shares its concepts: 子供食堂 names the category that こども食堂 does.
  for (auto& [surface, e] : d->entries_) {
    for (const auto& v : e.variants) {
      auto it = d->entries_.find(v);
      if (it == d->entries_.end()) continue;
      for (const auto& c : it->second.concepts) {
        bool have = false;
        for (const auto& mine : e.concepts) have |= (mine.field == c.field && mine.value == c.value);
        if (!have) e.concepts.push_back(c);
      }
    }
  }
  // Readings that name exactly one entry let kana-only words find it.
  std::map<std::string, std::set<std::string>> readings;
  for (const auto& [surface, e] : d->entries_) readings[ReadingKey(tokenizer.Reading(surface))].insert(surface);
  for (const auto& [reading, surfaces] : readings) {
    if (reading.empty()) continue;
    // Surfaces that are synonyms of each other may share a reading (子ども/こども/子供); pick one.
    const auto& first = d->entries_[*surfaces.begin()];
    bool all_related = true;
    for (const auto& other : surfaces) {
      if (other == first.surface) continue;
      if (std::find(first.variants.begin(), first.variants.end(), other) == first.variants.end()) all_related = false;
    }
    if (all_related) d->by_reading_[reading] = *surfaces.begin();
  }
  return d;
}

const DictionaryEntry* QueryDictionary::LongestMatchAt(std::string_view text, size_t pos, size_t* length) const {
  size_t max_len = std::min(max_entry_bytes_, text.size() - pos);
  for (size_t len = max_len; len > 0; --len) {
    // Only try lengths that end on a character boundary.
    if (pos + len < text.size() && (static_cast<unsigned char>(text[pos + len]) & 0xC0) == 0x80) continue;
    auto it = entries_.find(std::string(text.substr(pos, len)));
    if (it != entries_.end()) {
      *length = len;
      return &it->second;
    }
  }
  return nullptr;
}

const DictionaryEntry* QueryDictionary::MatchByReading(std::string_view kana_word) const {
  auto it = by_reading_.find(ReadingKey(kana_word));
  if (it == by_reading_.end()) return nullptr;
  return &entries_.at(it->second);
}

std::vector<IntentMatch> QueryDictionary::MatchIntents(std::string_view normalized_query,
                                                       const Tokenizer& tokenizer) const {
  std::vector<IntentMatch> out;
  if (intents_.empty()) return out;
  // Kana is its own reading; kanji words take MeCab's reading.
  std::string reading = ReadingKey(tokenizer.Reading(normalized_query));
  std::string kana = ReadingKey(normalized_query);
  for (const auto& intent : intents_) {
    if (reading.find(intent.reading) != std::string::npos || kana.find(intent.reading) != std::string::npos ||
        normalized_query.find(Normalize(intent.phrase)) != std::string_view::npos) {
      out.push_back({intent.phrase, intent.categories});
    }
  }
  return out;
}

}  // namespace ibasho::search
