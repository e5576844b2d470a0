#include "search/query/query_builder.h"

#include <algorithm>
#include <set>

#include "search/analysis/analyzer.h"
#include "search/index/index_schema.h"
#include "common/normalizer.h"

namespace ibasho::search {
namespace {

// Relative weights of the term families: exact words beat readings, readings beat bigrams.
constexpr double kWordWeight = 1.0;
constexpr double kBaseWeight = 0.6;
constexpr double kSynonymWeight = 0.8;
constexpr double kReadingWeight = 0.45;
constexpr double kBigramWeight = 0.35;
constexpr double kChunkPhraseWeight = 3.0;
constexpr double kConceptBoost = 2.0;
constexpr double kIntentBoost = 3.0;

QueryNode Phrase(const std::string& prefix, const std::vector<std::string>& grams, double weight) {
  std::vector<std::string> terms;
  for (const auto& g : grams) terms.push_back(prefix + g);
  return QueryNode::Phrase(std::move(terms), weight);
}

void AddUnique(std::vector<std::string>* v, const std::string& s) {
  if (!s.empty() && std::find(v->begin(), v->end(), s) == v->end()) v->push_back(s);
}

// Substring query: the character bigrams of text as a phrase (exact substring semantics).
QueryNode SubstringQuery(const std::string& normalized, double weight) {
  std::vector<QueryNode> runs;
  for (const auto& run : CharBigramRuns(normalized)) {
    if (run.size() == 1 && CharCount(run[0]) == 1) continue;
    runs.push_back(Phrase(kPrefixBigram, run, weight));
  }
  return QueryNode::And(std::move(runs));
}

// Splits normalised text into chunks at spaces, keeping "quoted text" together.
std::vector<std::pair<std::string, bool>> SplitChunks(const std::string& q) {
  std::vector<std::pair<std::string, bool>> out;  // (text, quoted)
  std::string cur;
  bool quoted = false;
  auto flush = [&] {
    if (!cur.empty()) out.emplace_back(cur, quoted);
    cur.clear();
  };
  for (size_t i = 0; i < q.size();) {
    // " and the curly quotes “ ” and 「 」 delimit phrases.
    static const std::vector<std::string> kQuotes = {"\"", "\u201c", "\u201d", "\u300c", "\u300d"};
    bool is_quote = false;
    for (const auto& qu : kQuotes) {
      if (q.compare(i, qu.size(), qu) == 0) {
        flush();
        quoted = !quoted;
        i += qu.size();
        is_quote = true;
        break;
      }
    }
    if (is_quote) continue;
    if (q[i] == ' ' && !quoted) {
      flush();
      ++i;
      continue;
    }
    cur += q[i++];
  }
  flush();
  return out;
}

}  // namespace

void QueryBuilder::AddTextAlternatives(const std::string& surface, const std::string& base, const std::string& reading,
                                       bool deep, double weight, std::set<std::string>* seen,
                                       std::vector<QueryNode>* alts, BuiltQuery* out) const {
  // The same term twice in one OR costs a second pass over its postings: each goes in once.
  auto add_term = [&](const std::string& term, double w) {
    if (seen->insert(term).second) alts->push_back(QueryNode::Term(term, w * weight));
  };
  std::string word = WordTerm(surface);
  add_term(word, kWordWeight);
  if (!base.empty() && base != surface) {
    std::string base_word = WordTerm(base);
    add_term(base_word, kBaseWeight);
    add_term(kPrefixBase + base_word, kBaseWeight);
    AddUnique(&out->highlight_words, base_word);
  }
  std::string reading_key = FoldKatakanaLongVowel(ReadingKey(reading));
  if (CharCount(reading_key) >= 2) {
    add_term(kPrefixReadingWord + reading_key, kReadingWeight);
    if (deep && seen->insert("phrase:" + reading_key).second)
      alts->push_back(Phrase(kPrefixReading, ReadingBigrams(reading_key), kReadingWeight * weight));
    if (CharCount(reading_key) >= 3) AddUnique(&out->highlight_readings, reading_key);
  }
  if (deep && CharCount(surface) >= 2 && seen->insert("substring:" + surface).second)
    alts->push_back(SubstringQuery(surface, kBigramWeight * weight));
  AddUnique(&out->highlight_words, word);
}

QueryNode QueryBuilder::TextQuery(const std::string& surface, const std::string& base, const std::string& reading,
                                  bool deep, BuiltQuery* out) const {
  std::set<std::string> seen;
  std::vector<QueryNode> alts;
  AddTextAlternatives(surface, base, reading, deep, 1.0, &seen, &alts, out);
  return QueryNode::Or(std::move(alts));
}

QueryNode QueryBuilder::EntryQuery(const DictionaryEntry& entry, bool literal, bool deep, BuiltQuery* out) const {
  std::set<std::string> seen;
  std::vector<QueryNode> alts;
  AddTextAlternatives(entry.surface, "", tokenizer_.Reading(entry.surface), deep, 1.0, &seen, &alts, out);
  for (const auto& v : entry.variants)
    AddTextAlternatives(v, "", tokenizer_.Reading(v), deep, kSynonymWeight, &seen, &alts, out);
  if (!literal) {
    for (const auto& c : entry.concepts) {
      if (c.field == "category") {
        alts.push_back(QueryNode::Boost(kTermCategory + c.value, kConceptBoost));
      } else if (c.field == "weekday") {
        alts.push_back(QueryNode::Boost(kTermWeekday + c.value, kConceptBoost));
      }
    }
  }
  return QueryNode::Or(std::move(alts));
}

QueryNode QueryBuilder::ChunkQuery(const std::string& chunk, bool literal, bool deep, bool worry,
                                   const MunicipalityResolver& municipality_named, BuiltQuery* out,
                                   QueryNode* relaxed) const {
  std::vector<QueryNode> units;
  std::vector<QueryNode> predicates;  // verbs and adjectives, unless worry
  auto note_concepts = [&](const DictionaryEntry& e, const std::string& matched) {
    if (literal || e.concepts.empty()) return;
    auto* interp = &out->interpretation;
    for (const auto& c : e.concepts) {
      auto* list = c.field == "category" ? interp->mutable_categories() : interp->mutable_weekdays();
      if (std::find(list->begin(), list->end(), c.value) == list->end()) list->Add(std::string(c.value));
    }
    if (std::find(interp->matched().begin(), interp->matched().end(), matched) == interp->matched().end())
      interp->add_matched(matched);
  };
  auto add_segment = [&](const std::string& seg) {
    if (seg.empty()) return;
    if (IsKana(seg)) {
      // Kana-only: MeCab's segmentation of kana is unreliable, so keep it whole and match by reading.
      // Particles between words (子供の居場所, 食堂や学習) are not indexed and not required.
      const std::vector<Token> tokens = tokenizer_.Tokenize(seg);
      if (std::none_of(tokens.begin(), tokens.end(), [](const Token& t) { return t.content; })) return;
      if (const DictionaryEntry* e = dictionary_.MatchByReading(seg)) {
        note_concepts(*e, seg);
        units.push_back(
            QueryNode::Or({EntryQuery(*e, literal, deep, out), TextQuery(seg, "", ToKatakana(seg), deep, out)}));
      } else {
        // Also as MeCab's words, all required (こそだてひろば → こそだて + ひろば).
        std::vector<QueryNode> words;
        for (const Token& t : tokens)
          if (t.content && CharCount(t.surface) >= 2)
            words.push_back(TextQuery(t.surface, Normalize(t.base), t.reading, deep, out));
        QueryNode whole = TextQuery(seg, "", ToKatakana(seg), deep, out);
        QueryNode unit = words.size() >= 2 ? QueryNode::Or({whole, QueryNode::And(std::move(words))}) : whole;
        // にやってる, できる: a predicate written in kana ranks like one written in kanji.
        const bool predicate_only =
            std::all_of(tokens.begin(), tokens.end(), [](const Token& t) { return !t.content || t.predicate; });
        (predicate_only && !worry ? predicates : units).push_back(std::move(unit));
      }
      AddUnique(&out->spell_words, seg);
      return;
    }
    for (const Token& t : tokenizer_.Tokenize(seg)) {
      if (!t.content) continue;
      (t.predicate && !worry ? predicates : units)
          .push_back(TextQuery(t.surface, Normalize(t.base), t.reading, deep, out));
      AddUnique(&out->spell_words, t.surface);
    }
  };

  // A chunk naming a municipality the index knows (練馬, 練馬区, ねりまく) is also a municipality
  // concept.
  if (!literal && municipality_named) {
    for (const std::string& candidate : {chunk, chunk + "区", chunk + "市", chunk + "町", chunk + "村"}) {
      const std::string name = municipality_named(candidate);
      if (!name.empty()) {
        out->interpretation.add_municipalities(name);
        out->interpretation.add_matched(chunk);
        units.push_back(QueryNode::Or({TextQuery(chunk, "", tokenizer_.Reading(chunk), deep, out),
                                       QueryNode::Boost(kTermMunicipality + name, kConceptBoost)}));
        *relaxed = units.front();
        return units.front();
      }
    }
  }

  // A kana chunk that reads as a dictionary word (こどもしょくどう → こども食堂) is that word.
  if (IsKana(chunk)) {
    if (const DictionaryEntry* e = dictionary_.MatchByReading(chunk)) {
      note_concepts(*e, chunk);
      AddUnique(&out->spell_words, chunk);
      *relaxed =
          QueryNode::Or({EntryQuery(*e, literal, deep, out), TextQuery(chunk, "", ToKatakana(chunk), deep, out)});
      return *relaxed;
    }
  }

  size_t pos = 0, pending = 0;
  while (pos < chunk.size()) {
    size_t len = 0;
    const DictionaryEntry* e = dictionary_.LongestMatchAt(chunk, pos, &len);
    if (e) {
      add_segment(chunk.substr(pending, pos - pending));
      note_concepts(*e, e->surface);
      units.push_back(EntryQuery(*e, literal, deep, out));
      AddUnique(&out->spell_words, e->surface);
      pos += len;
      pending = pos;
      continue;
    }
    ++pos;
    while (pos < chunk.size() && (static_cast<unsigned char>(chunk[pos]) & 0xC0) == 0x80) ++pos;
  }
  add_segment(chunk.substr(pending));
  // 土曜日に開いているこども食堂: the things asked for are required; how they are described
  // (開いている) ranks the listings that say so first.
  if (units.empty()) units = std::move(predicates);
  // The chunk as a whole substring (group names, unknown compounds) is an alternative match.
  const QueryNode whole = CharCount(chunk) >= 2 ? SubstringQuery(chunk, kChunkPhraseWeight) : QueryNode();
  if (units.empty()) return *relaxed = whole;
  // Relaxed, a sentence matches by any of its words, ranked by how many (中学生が勉強できるところ).
  std::vector<QueryNode> any = units;
  any.insert(any.end(), predicates.begin(), predicates.end());
  any.push_back(whole);
  *relaxed = QueryNode::Or(std::move(any));
  return QueryNode::Or({QueryNode::AndMaybe(QueryNode::And(std::move(units)), std::move(predicates)), whole});
}

BuiltQuery QueryBuilder::Build(std::string_view q, bool literal, const MunicipalityResolver& municipality_named) const {
  BuiltQuery out;
  std::string norm = Normalize(q);
  BuildPass(norm, literal, /*deep=*/false, municipality_named, &out);
  BuiltQuery deep;
  BuildPass(norm, literal, /*deep=*/true, municipality_named, &deep);
  out.deep = deep.relaxed;
  for (const auto& r : deep.highlight_readings) AddUnique(&out.highlight_readings, r);
  return out;
}

void QueryBuilder::BuildPass(const std::string& norm, bool literal, bool deep,
                             const MunicipalityResolver& municipality_named, BuiltQuery* pass) const {
  BuiltQuery& out = *pass;
  std::vector<QueryNode> chunks, relaxed_chunks, excluded;
  const std::vector<IntentMatch> intents =
      literal ? std::vector<IntentMatch>() : dictionary_.MatchIntents(norm, tokenizer_);
  for (const auto& [text, quoted] : SplitChunks(norm)) {
    if (quoted) {
      QueryNode phrase = SubstringQuery(text, 1.0);
      if (phrase.empty()) phrase = QueryNode::Term(WordTerm(text));
      chunks.push_back(phrase);
      relaxed_chunks.push_back(phrase);
      AddUnique(&out.highlight_words, text);
      continue;
    }
    if (text.size() > 1 && text[0] == '-') {
      std::string word = text.substr(1);
      excluded.push_back(QueryNode::Or({QueryNode::Term(WordTerm(word)), SubstringQuery(word, 1.0)}));
      continue;
    }
    QueryNode relaxed;
    QueryNode cq = ChunkQuery(text, literal, deep, !intents.empty(), municipality_named, &out, &relaxed);
    if (cq.empty()) continue;
    chunks.push_back(cq);
    relaxed_chunks.push_back(std::move(relaxed));
  }
  out.exclude = QueryNode::Or(std::move(excluded));
  out.strict = QueryNode::And(chunks);
  // A worry's words go together (家に帰りたくない); otherwise any word of any chunk will do.
  out.relaxed = QueryNode::Or(intents.empty() ? std::move(relaxed_chunks) : chunks);
  out.has_text = !chunks.empty();

  if (!literal) {
    std::vector<QueryNode> boosts;
    for (const auto& m : intents) {
      for (const auto& c : m.categories) {
        auto* cats = out.interpretation.mutable_categories();
        if (std::find(cats->begin(), cats->end(), c) == cats->end()) cats->Add(std::string(c));
        boosts.push_back(QueryNode::Boost(kTermCategory + c, kIntentBoost));
      }
      out.interpretation.add_matched(m.phrase);
    }
    if (!boosts.empty()) {
      // A worry is conversational: its words need not all appear; the categories it points to lead.
      QueryNode intent = QueryNode::Or(std::move(boosts));
      out.strict = QueryNode::Or({out.relaxed, intent});
      out.relaxed = out.strict;
      out.has_text = true;
    }
  }
}

}  // namespace ibasho::search
