#include "search/engine/searcher.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "common/clock.h"
#include "common/html.h"
#include "common/normalizer.h"
#include "common/numbers.h"
#include "common/taxonomy.h"
#include "common/weekday.h"
#include "ibasho/search/index/v1/stored_activity.pb.h"
#include "model/schedule.h"
#include "search/analysis/analyzer.h"
#include "search/analysis/snippet.h"
#include "search/engine/facet_counter.h"
#include "search/engine/match_evaluator.h"
#include "search/engine/ranker.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

using v1::SearchRequest;
using v1::SearchResponse;

// Edit distance between two strings counted in code points.
size_t EditDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::u32string CodePoints(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  std::u32string out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

// A kana word's closest written form by reading (ふとうこお → 不登校): the suggestion terms whose
// reading starts like the word's and is within a small edit distance; the most common wins.
std::string ReadingCorrection(Xapian::Database& db, const std::string& kana) {
  std::u32string want = CodePoints(ReadingKey(kana));
  if (want.size() < 3) return "";
  size_t max_distance = want.size() >= 6 ? 2 : 1;
  icu::UnicodeString first_char(static_cast<UChar32>(want[0]));
  std::string prefix;
  first_char.toUTF8String(prefix);
  prefix = kPrefixSuggest + prefix;
  std::string best;
  size_t best_distance = max_distance + 1;
  Xapian::doccount best_freq = 0;
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    std::string term = *t;
    size_t sep = term.find(kSuggestSeparator);
    if (sep == std::string::npos) continue;
    std::u32string reading = CodePoints(term.substr(std::strlen(kPrefixSuggest), sep - std::strlen(kPrefixSuggest)));
    if (reading.size() + max_distance < want.size() || reading.size() > want.size() + max_distance) continue;
    size_t d = EditDistance(want, reading);
    Xapian::doccount freq = t.get_termfreq();
    if (d < best_distance || (d == best_distance && freq > best_freq)) {
      best = term.substr(sep + 1);
      best_distance = d;
      best_freq = freq;
    }
  }
  return best_distance == 0 ? "" : best;
}

// The page's results from the stored documents, in page order.
void FillResults(Xapian::Database& db, const SearchRequest& req, const BuiltQuery& built, const SearchFilters& filters,
                 const CivilDate& today, const std::vector<Xapian::docid>& page, SearchResponse* resp) {
  Xapian::GreatCircleMetric metric;
  for (Xapian::docid id : page) {
    index::v1::StoredActivity stored;
    if (!stored.ParseFromString(db.get_document(id).get_data())) continue;
    v1::SearchResult* r = resp->add_results();
    *r = stored.result();
    r->set_snippet(built.has_text ? MakeSnippet(stored.description(), stored.snippet_tokens(), built.highlight_words,
                                                built.highlight_readings)
                                  : HtmlEscape(r->summary()));
    if (filters.has_centre && r->has_location()) {
      double d = metric(filters.centre, Xapian::LatLongCoord(r->location().lat(), r->location().lon()));
      r->set_distance_m(std::round(d));
    }
    r->set_next_occurrence(model::NextOccurrence(stored.schedules(), today));
  }
  auto* interpretation = resp->mutable_interpretation();
  *interpretation->mutable_categories() = built.interpretation.categories();
  *interpretation->mutable_weekdays() = built.interpretation.weekdays();
  *interpretation->mutable_municipalities() = built.interpretation.municipalities();
  *interpretation->mutable_matched() = built.interpretation.matched();
}

}  // namespace

Searcher::Searcher(const SearcherOptions& options, const Tokenizer& tokenizer, const QueryDictionary& dictionary)
    : options_(options),
      tokenizer_(tokenizer),
      dictionary_(dictionary),
      builder_(tokenizer, dictionary),
      posting_cache_(options.posting_cache) {}

StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const SearcherOptions& options, const Tokenizer& tokenizer,
                                                   const QueryDictionary& dictionary) {
  std::unique_ptr<Searcher> s(new Searcher(options, tokenizer, dictionary));
  try {
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      auto r = std::make_unique<Reader>();
      r->db = std::make_unique<Xapian::Database>(options.index_path);
      s->readers_.push_back(std::move(r));
    }
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, "cannot open index: " + e.get_description());
  }
  return s;
}

Searcher::Lease Searcher::Acquire() {
  uint32_t start = next_reader_.fetch_add(1);
  for (size_t i = 0; i < readers_.size(); ++i) {
    Reader* r = readers_[(start + i) % readers_.size()].get();
    std::unique_lock<std::mutex> lock(r->mu, std::try_to_lock);
    if (lock.owns_lock()) return Lease(r, std::move(lock));
  }
  Reader* r = readers_[start % readers_.size()].get();
  return Lease(r, std::unique_lock<std::mutex>(r->mu));
}

namespace {

// The runs of kanji in text ("子育て指援" → 子育, 指援), where a wrong kanji hides: the tokenizer may
// cut an unknown compound into single characters.
std::vector<std::string> KanjiRuns(const std::string& text) {
  std::vector<std::string> runs;
  std::string run;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if ((c >= 0x4E00 && c <= 0x9FFF) || c == 0x3005) {
      icu::UnicodeString(c).toUTF8String(run);
    } else {
      if (!run.empty()) runs.push_back(run);
      run.clear();
    }
  }
  if (!run.empty()) runs.push_back(run);
  return runs;
}

}  // namespace

std::string Searcher::SpellingCorrection(Xapian::Database& db, const std::string& normalized_q,
                                         const std::vector<std::string>& words) const {
  std::string corrected = normalized_q;
  bool changed = false;
  std::set<std::string> tried;  // a word that is also a kanji run is looked at once
  auto use = [&](const std::string& typed, const std::string& meant) {
    size_t at = meant.empty() || meant == typed ? std::string::npos : corrected.find(typed);
    if (at == std::string::npos) return;
    corrected.replace(at, typed.size(), meant);
    changed = true;
  };
  // A wrong kanji with the right reading (不登効 → 不登校): a run whose reading is a dictionary
  // word's, or one character off a word of the index's spelling table.
  for (const std::string& run : KanjiRuns(normalized_q)) {
    const size_t chars = CharCount(run);
    if (chars < 2 || !tried.insert(run).second || db.term_exists(WordTerm(run))) continue;
    std::string s;
    if (const DictionaryEntry* e = dictionary_.MatchByReading(tokenizer_.Reading(run)); e && e->surface != run)
      s = e->surface;
    if (s.empty() && chars >= 3) s = db.get_spelling_suggestion(run, 1);
    use(run, s);
  }
  for (const auto& w : words) {
    // A word the index holds is spelt as someone wrote it; Xapian would still offer a more common
    // neighbour (居場所 → 場所, づくり → くり).
    const size_t chars = CharCount(w);
    if (chars < 2 || !tried.insert(w).second || db.term_exists(WordTerm(w))) continue;
    std::string s = chars >= 3 ? db.get_spelling_suggestion(w, chars >= 5 ? 2 : 1) : "";
    // Two characters, one of them wrong, is too loose unless it reads the same: a kanji slip
    // (支縁 → 支援), the usual way a wrong kanji gets typed.
    if (chars == 2 && !IsKana(w)) {
      s = db.get_spelling_suggestion(w, 1);
      if (!s.empty() && tokenizer_.Reading(s) != tokenizer_.Reading(w)) s.clear();
    }
    if ((s.empty() || s == w) && IsKana(w)) s = ReadingCorrection(db, w);
    use(w, s);
  }
  return changed ? corrected : "";
}

std::string Searcher::MunicipalityNamed(MatchEvaluator& evaluator, const std::string& name) {
  if (evaluator.db().term_exists(kTermMunicipality + name)) return name;
  if (!IsKana(name)) return "";
  std::shared_ptr<const std::vector<std::string>> terms = evaluator.TermsWithPrefix(kTermMunicipality);
  std::lock_guard<std::mutex> lock(municipality_mu_);
  if (terms != municipality_terms_) {
    municipality_by_reading_.clear();
    std::set<std::string> shared;
    auto add = [&](const std::string& written, const std::string& municipality) {
      const std::string reading = tokenizer_.Reading(written);
      auto [it, added] = municipality_by_reading_.emplace(reading, municipality);
      if (!added && it->second != municipality) shared.insert(reading);
    };
    const size_t prefix = std::strlen(kTermMunicipality);
    for (const std::string& term : *terms) {
      const std::string municipality = term.substr(prefix);
      add(municipality, municipality);
      for (const char* suffix : {"区", "市", "町", "村"})
        if (municipality.size() > std::strlen(suffix) && municipality.ends_with(suffix))
          add(municipality.substr(0, municipality.size() - std::strlen(suffix)), municipality);
    }
    for (const auto& reading : shared) municipality_by_reading_.erase(reading);
    municipality_terms_ = terms;
  }
  auto it = municipality_by_reading_.find(ToKatakana(name));
  return it == municipality_by_reading_.end() ? "" : it->second;
}

Status Searcher::CurrentReadError(const std::string& what) {
  try {
    throw;
  } catch (const Xapian::DatabaseModifiedError& e) {
    // The writer committed twice while this query read: the revision it started on is gone.
    return Status(StatusCode::kAborted, "index revision replaced while reading: " + e.get_description());
  } catch (const Xapian::DatabaseCorruptError& e) {
    // A block of that revision was reused by a newer commit before Xapian noticed the revision
    // was gone: the same race seen from another side. Real corruption fails every retry.
    return Status(StatusCode::kAborted, "index changed while reading: " + e.get_description());
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, what + " failed: " + e.get_description());
  }
}

std::string Searcher::QueryText(const SearchRequest& req, v1::Interpretation* interpretation) const {
  if (!options_.translator || req.literal()) return req.q();
  Translation t = options_.translator->Translate(Normalize(req.q()));
  if (!t.translated) return req.q();
  interpretation->set_language("en");
  interpretation->set_translated(t.japanese);
  return t.japanese;
}

StatusOr<SearchResponse> Searcher::Search(const SearchRequest& req) {
  Status valid = ValidateSearchRequest(req, options_.max_page_size);
  if (!valid.ok()) return valid;
  // A search must not fail because a partner wrote: when the revision it read is replaced under
  // it, it starts again on the newest one.
  return WithRetries([&] { return SearchOnce(req, /*may_correct=*/true); });
}

DocSet Searcher::MatchWithFallbacks(MatchEvaluator& evaluator, BuiltQuery& built, const SearchFilters& filters,
                                    SearchResponse* resp, const QueryNode** used) {
  // The exact set of documents for the text and every filter, and the facets over it.
  auto match = [&](const QueryNode& text, v1::Facets* facets) {
    DocSet matches = built.has_text ? evaluator.Evaluate(text) : evaluator.AllDocuments();
    if (!built.exclude.empty() && !matches.Empty()) matches.Subtract(evaluator.Evaluate(built.exclude, &matches));
    matches = ApplyNonFacetFilters(evaluator, filters, std::move(matches));
    facets->Clear();
    return CountFacets(evaluator, matches, filters.facets, facets, options_.facet_counting);
  };
  *used = &built.strict;
  DocSet passing = match(built.strict, resp->mutable_facets());
  // Nothing with every word: relax to any word, then to the costly deep query (reading and
  // character n-gram phrases across segmentation differences); unless the facet and distance
  // filters leave nothing whatever the words.
  if (built.has_text && passing.Empty() && !FiltersLeaveSomething(evaluator, filters))
    built.relaxed = built.deep = QueryNode();
  for (const QueryNode* fallback : {&built.relaxed, &built.deep}) {
    if (!built.has_text || !passing.Empty() || fallback->empty()) break;
    v1::Facets facets;
    DocSet found = match(*fallback, &facets);
    if (!found.Empty()) {
      passing = std::move(found);
      resp->mutable_facets()->Swap(&facets);
      *used = fallback;
      resp->mutable_interpretation()->set_relaxed(true);
    }
  }
  return passing;
}

std::vector<Xapian::docid> Searcher::RankPage(Lease& lease, MatchEvaluator& evaluator, const SearchRequest& req,
                                              const BuiltQuery& built, const QueryNode& used,
                                              const SearchFilters& filters, const DocSet& passing, int offset,
                                              int page_size) {
  // By relevance from the cached term weights, by distance through Xapian's key maker, or (no
  // words) in index order. Every ranked document is known to match, so phrases count as the
  // conjunction of their terms (no position checks).
  std::vector<Xapian::docid> page;
  if (req.sort() == v1::SORT_ORDER_DISTANCE) {
    DocSetPostingSource passing_source(passing);
    Xapian::Query passing_query(&passing_source);
    XapianQueryOptions ranking;
    ranking.phrases_as_conjunctions = true;
    Xapian::Enquire enquire(lease.db());
    enquire.set_sort_by_key_then_relevance(
        (new Xapian::LatLongDistanceKeyMaker(kSlotLatLon, filters.centre, Xapian::GreatCircleMetric()))->release(),
        false);
    enquire.set_query(built.has_text ? Xapian::Query(Xapian::Query::OP_FILTER, ToXapian(used, ranking), passing_query)
                                     : passing_query);
    Xapian::MSet mset = enquire.get_mset(offset, page_size);
    for (auto it = mset.begin(); it != mset.end(); ++it) page.push_back(*it);
  } else if (!built.has_text) {
    // Browsing: listings whose data states a requested category before those where it was only
    // inferred from their words, each part in index order.
    DocSet stated(passing.max_docid());
    for (const auto& c : filters.facets.categories)
      stated.UnionWith(posting_cache_.Get(lease.db(), kTermStatedCategory + c)->Resized(passing.max_docid()));
    stated.IntersectWith(passing);
    DocSet rest = passing;
    rest.Subtract(stated);
    int skipped = 0;
    for (const DocSet* part : {&stated, &rest})
      for (Xapian::docid id = part->NextFrom(1); id != 0 && static_cast<int>(page.size()) < page_size;
           id = part->NextFrom(id + 1)) {
        if (skipped++ >= offset) page.push_back(id);
      }
  } else {
    for (const RankedDocument& d : RankByRelevance(evaluator, used, passing, offset, page_size, &lease.scores()))
      page.push_back(d.id);
  }
  return page;
}

StatusOr<SearchResponse> Searcher::SearchOnce(const SearchRequest& req, bool may_correct) {
  int page_size = req.page_size() > 0 ? req.page_size() : options_.default_page_size;
  int offset = 0;  // Validate admitted only short digit strings
  if (!req.page_token().empty()) ParseInt(req.page_token(), &offset);
  CivilDate today = *ParseCivilDate(req.today().empty() ? options_.clock->TokyoToday() : req.today());

  Lease lease = Acquire();
  try {
    Xapian::Database& db = lease.db();
    db.reopen();  // cheap when nothing changed since the last query
    MatchEvaluator evaluator(db, posting_cache_);
    SearchResponse resp;
    const std::string q = QueryText(req, resp.mutable_interpretation());
    BuiltQuery built =
        builder_.Build(q, req.literal(), [&](const std::string& name) { return MunicipalityNamed(evaluator, name); });
    SearchFilters filters = FiltersOf(req);
    const QueryNode* used = nullptr;
    DocSet passing = MatchWithFallbacks(evaluator, built, filters, &resp, &used);
    resp.set_total(static_cast<int32_t>(passing.Count()));
    std::vector<Xapian::docid> page =
        RankPage(lease, evaluator, req, built, *used, filters, passing, offset, page_size);
    FillResults(db, req, built, filters, today, page, &resp);
    if (offset + page_size < resp.total()) resp.set_next_page_token(std::to_string(offset + page_size));

    // Did you mean: with few results, or none that has every word (only relaxed matches), offer a
    // spelling the index knows, and show its results instead when they are clearly what was
    // meant (many more, or every word matched where the typed query matched only some).
    const bool relaxed_as_typed = resp.interpretation().relaxed();
    if ((resp.total() < 3 || relaxed_as_typed) && !built.spell_words.empty()) {
      std::string corrected = SpellingCorrection(db, Normalize(q), built.spell_words);
      if (!corrected.empty()) {
        resp.set_did_you_mean(corrected);
        if (may_correct) {
          SearchRequest again = req;
          again.set_q(corrected);
          int total_as_typed = resp.total();
          lease = Lease(nullptr, {});  // release the reader before searching again
          auto second = SearchOnce(again, /*may_correct=*/false);
          if (second.ok() && second->total() > 0 &&
              (second->total() >= 3 * std::max(1, total_as_typed) ||
               (relaxed_as_typed && !second->interpretation().relaxed()))) {
            second->mutable_interpretation()->set_corrected(corrected);
            second->set_did_you_mean(corrected);
            return second;
          }
        }
      }
    }
    return resp;
  } catch (const Xapian::Error&) {
    return CurrentReadError("search");
  }
}

StatusOr<v1::SuggestResponse> Searcher::Suggest(const v1::SuggestRequest& req) {
  if (!IsValidUtf8(req.q())) return InvalidArgument("q is not valid UTF-8", "q");
  int limit = req.limit() > 0 ? std::min(req.limit(), limits::kMaxSuggestions) : limits::kDefaultSuggestions;
  std::string q = Normalize(req.q());
  v1::SuggestResponse resp;
  if (q.empty()) return resp;
  Lease lease = Acquire();
  try {
    Xapian::Database& db = lease.db();
    db.reopen();
    std::map<std::string, int> found;  // surface → document count
    auto scan = [&](const std::string& prefix) {
      int seen = 0;
      for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix) && seen < 2000; ++t, ++seen) {
        std::string term = *t;
        size_t sep = term.find(kSuggestSeparator);
        if (sep == std::string::npos) continue;
        std::string surface = term.substr(sep + 1);
        found[surface] = std::max(found[surface], static_cast<int>(t.get_termfreq()));
      }
    };
    // Completions are keyed by reading, so ふと → 不登校 and こども → こども食堂 alike.
    std::string reading = ReadingKey(IsKana(q) ? q : tokenizer_.Reading(q));
    if (!reading.empty()) scan(kPrefixSuggest + reading);
    std::vector<std::pair<std::string, int>> items(found.begin(), found.end());
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (const auto& [text, count] : items) {
      if (static_cast<int>(resp.suggestions_size()) >= limit) break;
      if (text == q) continue;
      auto* s = resp.add_suggestions();
      s->set_text(text);
      s->set_count(count);
    }
    return resp;
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, "suggest failed: " + e.get_description());
  }
}

StatusOr<uint32_t> Searcher::DocCount() {
  Lease lease = Acquire();
  try {
    lease.db().reopen();
    return lease.db().get_doccount();
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, e.get_description());
  }
}

}  // namespace ibasho::search
