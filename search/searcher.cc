#include "search/searcher.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "common/clock.h"
#include "common/taxonomy.h"
#include "search/analyzer.h"
#include "search/index_schema.h"
#include "search/normalizer.h"
#include "search/schedule.h"
#include "search/snippet.h"

namespace ibasho::search {
namespace {

using v1::FacetValue;
using v1::SearchRequest;
using v1::SearchResponse;

// Counts total and every facet over the matches of the text query with the fixed filters, in one
// pass reading one packed value per document (index_schema.h). Facet filters are applied here:
// a document counts toward the total when it passes all of them, and toward facet F when it
// passes all but F's own (so a UI can offer the alternatives).
class FacetRowSpy : public Xapian::MatchSpy {
 public:
  FacetRowSpy(uint16_t categories, uint8_t weekdays, uint8_t fees, std::vector<std::string> municipalities)
      : cat_filter_(categories), day_filter_(weekdays), fee_filter_(fees), muni_filter_(std::move(municipalities)) {}

  void operator()(const Xapian::Document& doc, double) override {
    const std::string row = doc.get_value(kSlotFacetRow);
    if (row.size() < 5) return;
    uint16_t cats = static_cast<uint8_t>(row[0]) | static_cast<uint16_t>(static_cast<uint8_t>(row[1]) << 8);
    uint8_t days = static_cast<uint8_t>(row[2]), bands = static_cast<uint8_t>(row[3]),
            fee = static_cast<uint8_t>(row[4]);
    std::string_view muni(row.data() + 5, row.size() - 5);
    bool pass_cat = !cat_filter_ || (cats & cat_filter_);
    bool pass_day = !day_filter_ || (days & day_filter_);
    bool pass_fee = !fee_filter_ || (fee && (fee_filter_ & (1u << (fee - 1))));
    bool pass_muni =
        muni_filter_.empty() || std::find(muni_filter_.begin(), muni_filter_.end(), muni) != muni_filter_.end();
    bool pass_all = pass_cat && pass_day && pass_fee && pass_muni;
    total_ += pass_all;
    if (pass_day && pass_fee && pass_muni)
      for (uint16_t b = cats; b; b &= b - 1) ++category_[__builtin_ctz(b)];
    if (pass_cat && pass_fee && pass_muni)
      for (uint8_t b = days; b; b &= b - 1) ++weekday_[__builtin_ctz(b)];
    if (pass_cat && pass_day && pass_muni && fee) ++fee_[fee - 1];
    if (pass_cat && pass_day && pass_fee && !muni.empty()) {
      auto it =
          std::find_if(municipality_.begin(), municipality_.end(), [&](const auto& e) { return e.first == muni; });
      if (it == municipality_.end()) {
        municipality_.emplace_back(std::string(muni), 1);
      } else {
        ++it->second;
      }
    }
    if (pass_all)
      for (uint8_t b = bands; b; b &= b - 1) ++age_band_[__builtin_ctz(b)];
  }

  int total() const { return total_; }
  void Fill(v1::Facets* f) const;

 private:
  uint16_t cat_filter_;
  uint8_t day_filter_, fee_filter_;
  std::vector<std::string> muni_filter_;
  int total_ = 0;
  int category_[16] = {}, weekday_[8] = {}, age_band_[8] = {}, fee_[2] = {};
  std::vector<std::pair<std::string, int>> municipality_;
};

// Keeps documents with a session on a given date (exact schedule logic, after the term prefilter).
class OpenOnDecider : public Xapian::MatchDecider {
 public:
  explicit OpenOnDecider(CivilDate date) : date_(date) {}
  bool operator()(const Xapian::Document& doc) const override {
    v1::StoredActivity stored;
    if (!stored.ParseFromString(doc.get_data())) return false;
    for (const auto& s : stored.schedules())
      if (OccursOn(s, date_)) return true;
    return false;
  }

 private:
  CivilDate date_;
};

Xapian::Query TermsOr(const char* prefix, const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<Xapian::Query> qs;
  for (const auto& v : values) qs.emplace_back(prefix + v);
  if (qs.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
}

Xapian::Query AndAll(const std::vector<Xapian::Query>& parts) {
  std::vector<Xapian::Query> keep;
  for (const auto& p : parts)
    if (!p.empty()) keep.push_back(p);
  if (keep.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, keep.begin(), keep.end());
}

void AddFacet(google::protobuf::RepeatedPtrField<FacetValue>* out, const std::string& value, const char* label,
              int count) {
  if (count <= 0) return;
  FacetValue* fv = out->Add();
  fv->set_value(value);
  fv->set_label(label ? label : value);
  fv->set_count(count);
}

void SortByCount(google::protobuf::RepeatedPtrField<FacetValue>* values) {
  std::sort(values->begin(), values->end(), [](const FacetValue& a, const FacetValue& b) {
    return a.count() != b.count() ? a.count() > b.count() : a.value() < b.value();
  });
}

void FacetRowSpy::Fill(v1::Facets* f) const {
  const auto& cats = Categories();
  for (size_t i = 0; i < cats.size() && i < 16; ++i)
    AddFacet(f->mutable_category(), cats[i].code, cats[i].label, category_[i]);
  SortByCount(f->mutable_category());
  for (int d = 0; d < 7; ++d)
    AddFacet(f->mutable_weekday(), WeekdayCodes()[d], WeekdayLabel(WeekdayCodes()[d]), weekday_[d]);
  for (size_t b = 0; b < AgeBands().size(); ++b)
    AddFacet(f->mutable_age_band(), AgeBands()[b].code, AgeBands()[b].label, age_band_[b]);
  AddFacet(f->mutable_fee(), "free", "無料", fee_[0]);
  AddFacet(f->mutable_fee(), "paid", "有料", fee_[1]);
  for (const auto& [m, n] : municipality_) AddFacet(f->mutable_municipality(), m, nullptr, n);
  SortByCount(f->mutable_municipality());
}

Status Validate(const SearchRequest& r, int max_page_size) {
  if (!IsValidUtf8(r.q())) return InvalidArgument("q is not valid UTF-8", "q");
  if (r.q().size() > 1000) return InvalidArgument("q is too long (max 1000 bytes)", "q");
  for (const auto& c : r.category())
    if (!CategoryLabel(c)) return InvalidArgument("unknown category \"" + c + "\"; see GET /v1/categories", "category");
  for (const auto& w : r.weekday())
    if (WeekdayIndex(w) < 0) return InvalidArgument("weekday must be one of mon tue wed thu fri sat sun", "weekday");
  for (const auto& f : r.fee())
    if (f != "free" && f != "paid") return InvalidArgument("fee must be free or paid", "fee");
  if (r.page_size() < 0 || r.page_size() > max_page_size)
    return InvalidArgument("page_size must be 1.." + std::to_string(max_page_size), "page_size");
  if (!r.page_token().empty() &&
      (r.page_token().size() > 9 || !std::all_of(r.page_token().begin(), r.page_token().end(), ::isdigit)))
    return InvalidArgument("page_token is not one this service issued", "page_token");
  if (r.has_near()) {
    if (!(r.lat() >= -90 && r.lat() <= 90)) return InvalidArgument("latitude must be -90..90", "near");
    if (!(r.lon() >= -180 && r.lon() <= 180)) return InvalidArgument("longitude must be -180..180", "near");
  }
  if (r.radius_m() < 0 || std::isnan(r.radius_m())) return InvalidArgument("radius_m must be positive", "radius_m");
  if (r.radius_m() > 0 && !r.has_near()) return InvalidArgument("radius_m needs near=LAT,LON", "radius_m");
  if (!r.sort().empty() && r.sort() != "relevance" && r.sort() != "distance")
    return InvalidArgument("sort must be relevance or distance", "sort");
  if (r.sort() == "distance" && !r.has_near()) return InvalidArgument("sort=distance needs near=LAT,LON", "sort");
  if (!r.open_on().empty() && !ParseCivilDate(r.open_on()))
    return InvalidArgument("open_on must be a real date YYYY-MM-DD", "open_on");
  if (!r.today().empty() && !ParseCivilDate(r.today()))
    return InvalidArgument("today must be a real date YYYY-MM-DD", "today");
  if (r.age() > 120) return InvalidArgument("age must be 0..120", "age");
  return Status::Ok();
}

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

}  // namespace

class Searcher::Lease {
 public:
  Lease(Reader* r, std::unique_lock<std::mutex> lock) : reader_(r), lock_(std::move(lock)) {}
  Xapian::Database& db() { return *reader_->db; }

 private:
  Reader* reader_;
  std::unique_lock<std::mutex> lock_;
};

Searcher::Searcher(const SearcherOptions& options, const Tokenizer& tokenizer, const QueryDictionary& dictionary)
    : options_(options), tokenizer_(tokenizer), builder_(tokenizer, dictionary) {}

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

std::string Searcher::SpellingCorrection(Xapian::Database& db, const std::string& normalized_q,
                                         const std::vector<std::string>& words) const {
  std::string corrected = normalized_q;
  bool changed = false;
  for (const auto& w : words) {
    if (CharCount(w) < 3) continue;
    std::string s = db.get_spelling_suggestion(w, CharCount(w) >= 5 ? 2 : 1);
    if ((s.empty() || s == w) && IsKana(w)) s = ReadingCorrection(db, w);
    if (s.empty() || s == w) continue;
    size_t at = corrected.find(w);
    if (at == std::string::npos) continue;
    corrected.replace(at, w.size(), s);
    changed = true;
  }
  return changed ? corrected : "";
}

StatusOr<SearchResponse> Searcher::Search(const SearchRequest& req) {
  Status valid = Validate(req, options_.max_page_size);
  if (!valid.ok()) return valid;
  return SearchOnce(req, /*may_correct=*/true);
}

StatusOr<SearchResponse> Searcher::SearchOnce(const SearchRequest& req, bool may_correct) {
  int page_size = req.page_size() > 0 ? req.page_size() : options_.default_page_size;
  int offset = req.page_token().empty() ? 0 : std::stoi(req.page_token());
  CivilDate today = *ParseCivilDate(req.today().empty() ? TokyoToday() : req.today());

  Lease lease = Acquire();
  try {
    Xapian::Database& db = lease.db();
    db.reopen();  // cheap when nothing changed since the last query
    auto is_municipality = [&db](const std::string& name) { return db.term_exists(kTermMunicipality + name); };
    BuiltQuery built = builder_.Build(req.q(), req.literal(), is_municipality);

    // Facet filters (OR within a field, AND across fields) narrow the ranked results; the
    // counting pass applies them itself so each facet can ignore its own.
    std::vector<Xapian::Query> facet_filters = {TermsOr(kTermCategory, req.category()),
                                                TermsOr(kTermMunicipality, req.municipality()),
                                                TermsOr(kTermWeekday, req.weekday()), TermsOr(kTermFee, req.fee())};
    uint16_t cat_mask = 0;
    for (const auto& c : req.category())
      for (size_t i = 0; i < Categories().size(); ++i)
        if (c == Categories()[i].code) cat_mask |= static_cast<uint16_t>(1u << i);
    uint8_t day_mask = 0;
    for (const auto& d : req.weekday()) day_mask |= static_cast<uint8_t>(1u << WeekdayIndex(d));
    uint8_t fee_mask = 0;
    for (const auto& f : req.fee()) fee_mask |= f == "free" ? 1 : 2;
    std::vector<Xapian::Query> fixed_filters;
    if (req.has_age()) {
      std::string age = Xapian::sortable_serialise(req.age());
      fixed_filters.emplace_back(Xapian::Query::OP_AND, Xapian::Query(Xapian::Query::OP_VALUE_LE, kSlotAgeMin, age),
                                 Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotAgeMax, age));
    }
    Xapian::LatLongCoords centre;
    if (req.has_near()) centre.append(Xapian::LatLongCoord(req.lat(), req.lon()));
    Xapian::GreatCircleMetric metric;
    if (req.has_near() && req.radius_m() > 0) {
      fixed_filters.emplace_back(
          (new Xapian::LatLongDistancePostingSource(kSlotLatLon, centre, metric, req.radius_m()))->release());
    }
    std::unique_ptr<OpenOnDecider> decider;
    if (!req.open_on().empty()) {
      CivilDate d = *ParseCivilDate(req.open_on());
      std::string wd = WeekdayCodes()[DayOfWeek(d)];
      int nth = (d.day - 1) / 7 + 1;
      std::vector<Xapian::Query> occ = {Xapian::Query(std::string(kTermOccurrence) + "w" + wd),
                                        Xapian::Query(std::string(kTermOccurrence) + "n" + std::to_string(nth) + wd),
                                        Xapian::Query(std::string(kTermOccurrence) + "d" + req.open_on())};
      if (d.day + 7 > DaysInMonth(d.year, d.month)) occ.emplace_back(std::string(kTermOccurrence) + "nL" + wd);
      fixed_filters.emplace_back(Xapian::Query::OP_OR, occ.begin(), occ.end());
      decider = std::make_unique<OpenOnDecider>(d);  // valid_from / valid_to
    }

    auto make_query = [&](const Xapian::Query& text, bool with_facet_filters) {
      Xapian::Query main = built.has_text ? text : Xapian::Query::MatchAll;
      if (!built.exclude.empty()) main = Xapian::Query(Xapian::Query::OP_AND_NOT, main, built.exclude);
      std::vector<Xapian::Query> filters = fixed_filters;
      if (with_facet_filters) filters.insert(filters.end(), facet_filters.begin(), facet_filters.end());
      Xapian::Query filter = AndAll(filters);
      return filter.empty() ? main : Xapian::Query(Xapian::Query::OP_FILTER, main, filter);
    };

    // Ranking pass: only the requested page, so Xapian can skip what cannot make it.
    Xapian::Enquire enquire(db);
    if (req.sort() == "distance") {
      enquire.set_sort_by_key_then_relevance(
          (new Xapian::LatLongDistanceKeyMaker(kSlotLatLon, centre, metric))->release(), false);
    } else if (!built.has_text) {
      enquire.set_weighting_scheme(Xapian::BoolWeight());
    }
    auto rank = [&](const Xapian::Query& text) {
      enquire.set_query(make_query(text, true));
      return enquire.get_mset(offset, page_size, 0, nullptr, decider.get());
    };
    SearchResponse resp;
    Xapian::MSet mset = rank(built.strict);
    Xapian::Query used = built.strict;
    // Nothing with every word: relax to any word, then to the costly deep query (reading and
    // character n-gram phrases across segmentation differences).
    for (const Xapian::Query* fallback : {&built.relaxed, &built.deep}) {
      if (mset.get_matches_upper_bound() > 0 || !built.has_text) break;
      Xapian::MSet m = rank(*fallback);
      if (m.get_matches_upper_bound() > 0) {
        mset = m;
        used = *fallback;
        resp.mutable_interpretation()->set_relaxed(true);
      }
    }

    // Counting pass: every match, unweighted, for the exact total and facets.
    std::vector<std::string> munis(req.municipality().begin(), req.municipality().end());
    FacetRowSpy spy(cat_mask, day_mask, fee_mask, std::move(munis));
    Xapian::Enquire count(db);
    count.set_weighting_scheme(Xapian::BoolWeight());
    count.set_docid_order(Xapian::Enquire::DONT_CARE);
    count.add_matchspy(&spy);
    count.set_query(make_query(used, false));
    count.get_mset(0, 0, db.get_doccount(), nullptr, decider.get());
    resp.set_total(spy.total());
    spy.Fill(resp.mutable_facets());

    for (auto it = mset.begin(); it != mset.end(); ++it) {
      v1::StoredActivity stored;
      if (!stored.ParseFromString(it.get_document().get_data())) continue;
      v1::SearchResult* r = resp.add_results();
      *r = stored.result();
      r->set_snippet(built.has_text ? MakeSnippet(stored.description(), stored.snippet_tokens(), built.highlight_words,
                                                  built.highlight_readings)
                                    : HtmlEscape(r->summary()));
      if (req.has_near() && r->has_location()) {
        double d = metric(centre, Xapian::LatLongCoord(r->location().lat(), r->location().lon()));
        r->set_distance_m(std::round(d));
      }
      r->set_next_occurrence(NextOccurrence(stored.schedules(), today));
    }
    if (offset + page_size < resp.total()) resp.set_next_page_token(std::to_string(offset + page_size));
    *resp.mutable_interpretation()->mutable_categories() = built.interpretation.categories();
    *resp.mutable_interpretation()->mutable_weekdays() = built.interpretation.weekdays();
    *resp.mutable_interpretation()->mutable_municipalities() = built.interpretation.municipalities();
    *resp.mutable_interpretation()->mutable_matched() = built.interpretation.matched();

    // Did you mean: with few results, offer a spelling that the index knows, and show its
    // results instead when they are clearly what was meant (none as typed, or many more).
    if (resp.total() < 3 && !built.spell_words.empty()) {
      std::string corrected = SpellingCorrection(db, Normalize(req.q()), built.spell_words);
      if (!corrected.empty()) {
        resp.set_did_you_mean(corrected);
        if (may_correct) {
          SearchRequest again = req;
          again.set_q(corrected);
          int total_as_typed = resp.total();
          lease = Lease(nullptr, {});  // release the reader before searching again
          auto second = SearchOnce(again, /*may_correct=*/false);
          if (second.ok() && second->total() > 0 && second->total() >= 3 * std::max(1, total_as_typed)) {
            second->mutable_interpretation()->set_corrected(corrected);
            second->set_did_you_mean(corrected);
            return second;
          }
        }
      }
    }
    return resp;
  } catch (const Xapian::Error& e) {
    return Status(StatusCode::kUnavailable, "search failed: " + e.get_description());
  }
}

StatusOr<v1::SuggestResponse> Searcher::Suggest(const v1::SuggestRequest& req) {
  if (!IsValidUtf8(req.q())) return InvalidArgument("q is not valid UTF-8", "q");
  int limit = req.limit() > 0 ? std::min(req.limit(), 20) : 8;
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
