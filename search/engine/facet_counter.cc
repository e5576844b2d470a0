#include "search/engine/facet_counter.h"

#include <algorithm>
#include <optional>

#include "common/taxonomy.h"
#include "common/weekday.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

using v1::FacetValue;

struct Counts {
  int category[16] = {};
  int weekday[7] = {};
  int age_band[8] = {};
  int fee[2] = {};  // free, paid
  std::vector<std::pair<std::string, int>> municipality;
};

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

void Fill(const Counts& c, v1::Facets* f) {
  const auto& cats = Categories();
  for (size_t i = 0; i < cats.size() && i < 16; ++i)
    AddFacet(f->mutable_category(), cats[i].code, cats[i].label, c.category[i]);
  SortByCount(f->mutable_category());
  for (int d = 0; d < 7; ++d)
    AddFacet(f->mutable_weekday(), Weekdays()[d].code, WeekdayLabel(Weekdays()[d].code), c.weekday[d]);
  for (size_t b = 0; b < AgeBands().size(); ++b)
    AddFacet(f->mutable_age_band(), AgeBands()[b].code, AgeBands()[b].label, c.age_band[b]);
  AddFacet(f->mutable_fee(), "free", "無料", c.fee[0]);
  AddFacet(f->mutable_fee(), "paid", "有料", c.fee[1]);
  for (const auto& [m, n] : c.municipality) AddFacet(f->mutable_municipality(), m, nullptr, n);
  SortByCount(f->mutable_municipality());
}

// Counts from each match's packed facet row (one value read per match).
DocSet CountRows(MatchEvaluator& evaluator, const DocSet& matches, const FacetFilters& filters, Counts* c) {
  uint16_t cat_filter = 0;
  for (const auto& code : filters.categories)
    for (size_t i = 0; i < Categories().size() && i < 16; ++i)
      if (code == Categories()[i].code) cat_filter |= static_cast<uint16_t>(1u << i);
  uint8_t day_filter = 0;
  for (const auto& d : filters.weekdays) day_filter |= static_cast<uint8_t>(1u << WeekdayIndex(d));
  uint8_t fee_filter = 0;
  for (const auto& f : filters.fees) fee_filter |= f == "free" ? 1 : 2;
  const auto& muni_filter = filters.municipalities;
  uint8_t band_filter = 0;
  for (const auto& code : filters.age_bands)
    for (size_t i = 0; i < AgeBands().size(); ++i)
      if (code == AgeBands()[i].code) band_filter |= static_cast<uint8_t>(1u << i);

  DocSet passing(evaluator.max_docid());
  Xapian::Database& db = evaluator.db();
  Xapian::ValueIterator value = db.valuestream_begin(kSlotFacetRow);
  const Xapian::ValueIterator end = db.valuestream_end(kSlotFacetRow);
  matches.ForEach([&](Xapian::docid id) {
    if (value == end) return;
    value.skip_to(id);
    if (value == end || value.get_docid() != id) return;
    const std::string row = *value;
    if (row.size() < 5) return;
    uint16_t cats = static_cast<uint8_t>(row[0]) | static_cast<uint16_t>(static_cast<uint8_t>(row[1]) << 8);
    uint8_t days = static_cast<uint8_t>(row[2]), bands = static_cast<uint8_t>(row[3]),
            fee = static_cast<uint8_t>(row[4]);
    std::string_view muni(row.data() + 5, row.size() - 5);
    bool pass_cat = !cat_filter || (cats & cat_filter);
    bool pass_day = !day_filter || (days & day_filter);
    bool pass_fee = !fee_filter || (fee && (fee_filter & (1u << (fee - 1))));
    bool pass_muni =
        muni_filter.empty() || std::find(muni_filter.begin(), muni_filter.end(), muni) != muni_filter.end();
    bool pass_band = !band_filter || (bands & band_filter);
    // Each facet counts the matches passing every filter but its own.
    if (pass_cat && pass_day && pass_fee && pass_muni && pass_band) passing.Add(id);
    if (pass_cat && pass_day && pass_fee && pass_muni)
      for (uint8_t b = bands; b; b &= b - 1) ++c->age_band[__builtin_ctz(b)];
    if (pass_day && pass_fee && pass_muni && pass_band)
      for (uint16_t b = cats; b; b &= b - 1) ++c->category[__builtin_ctz(b)];
    if (pass_cat && pass_fee && pass_muni && pass_band)
      for (uint8_t b = days; b; b &= b - 1) ++c->weekday[__builtin_ctz(b)];
    if (pass_cat && pass_day && pass_muni && pass_band && fee) ++c->fee[fee - 1];
    if (pass_cat && pass_day && pass_fee && pass_band && !muni.empty()) {
      auto it =
          std::find_if(c->municipality.begin(), c->municipality.end(), [&](const auto& e) { return e.first == muni; });
      if (it == c->municipality.end()) {
        c->municipality.emplace_back(std::string(muni), 1);
      } else {
        ++it->second;
      }
    }
  });
  return passing;
}

// The terms of every facet value, in the order the counts are kept.
struct FacetTerms {
  std::vector<std::string> category, weekday, fee, age_band;
  std::shared_ptr<const std::vector<std::string>> municipality;

  explicit FacetTerms(MatchEvaluator& evaluator) : municipality(evaluator.TermsWithPrefix(kTermMunicipality)) {
    for (size_t i = 0; i < Categories().size() && i < 16; ++i)
      category.push_back(kTermCategory + std::string(Categories()[i].code));
    for (int d = 0; d < 7; ++d) weekday.push_back(kTermWeekday + std::string(Weekdays()[d].code));
    fee = {std::string(kTermFee) + "free", std::string(kTermFee) + "paid"};
    for (const auto& b : AgeBands()) age_band.push_back(kTermAgeBand + std::string(b.code));
  }
  std::vector<std::string> All() const {
    std::vector<std::string> all;
    for (const auto* part : {&category, &weekday, &fee, &age_band, municipality.get()})
      all.insert(all.end(), part->begin(), part->end());
    return all;
  }
};

enum Field { kCategory, kWeekday, kFee, kMunicipality, kAgeBand, kFields };

// The documents each field's filter lets through (nullopt: the field is not filtered).
struct FieldFilters {
  std::optional<DocSet> field[kFields];

  FieldFilters(MatchEvaluator& evaluator, const FacetFilters& filters) {
    auto any_of = [&](const char* prefix, const std::vector<std::string>& values) -> std::optional<DocSet> {
      if (values.empty()) return std::nullopt;
      std::vector<std::string> value_terms;
      for (const auto& v : values) value_terms.push_back(prefix + v);
      return evaluator.AnyTerm(value_terms);
    };
    field[kCategory] = any_of(kTermCategory, filters.categories);
    field[kWeekday] = any_of(kTermWeekday, filters.weekdays);
    field[kFee] = any_of(kTermFee, filters.fees);
    field[kMunicipality] = any_of(kTermMunicipality, filters.municipalities);
    field[kAgeBand] = any_of(kTermAgeBand, filters.age_bands);
  }
};

// Counts by intersecting the match set with each facet value's documents.
DocSet CountBitmaps(MatchEvaluator& evaluator, const FacetTerms& terms, const DocSet& matches,
                    const FacetFilters& filters, Counts* c) {
  const FieldFilters fields(evaluator, filters);
  const auto& field_filter = fields.field;
  // The matches passing every filter except skip's (kFields: every filter).
  auto passing_all_but = [&](int skip) {
    DocSet out = matches;
    for (int f = 0; f < kFields; ++f)
      if (f != skip && field_filter[f]) out.IntersectWith(*field_filter[f]);
    return out;
  };
  const bool filtered = std::any_of(std::begin(field_filter), std::end(field_filter),
                                    [](const std::optional<DocSet>& f) { return f.has_value(); });
  auto base_for = [&](int field) { return filtered ? passing_all_but(field) : matches; };
  auto count_each = [&](const std::vector<std::string>& value_terms, const DocSet& base, int* counts) {
    for (size_t i = 0; i < value_terms.size(); ++i)
      counts[i] = static_cast<int>(evaluator.CountWithin(value_terms[i], base));
  };

  const DocSet passing = base_for(kFields);
  count_each(terms.category, base_for(kCategory), c->category);
  count_each(terms.weekday, base_for(kWeekday), c->weekday);
  count_each(terms.fee, base_for(kFee), c->fee);
  count_each(terms.age_band, base_for(kAgeBand), c->age_band);
  const DocSet base = base_for(kMunicipality);
  const size_t prefix_size = std::char_traits<char>::length(kTermMunicipality);
  for (const std::string& term : *terms.municipality) {
    int n = static_cast<int>(evaluator.CountWithin(term, base));
    if (n > 0) c->municipality.emplace_back(term.substr(prefix_size), n);
  }
  return passing;
}

}  // namespace

DocSet PassingFacetFilters(MatchEvaluator& evaluator, const DocSet& docs, const FacetFilters& filters) {
  DocSet out = docs;
  const FieldFilters fields(evaluator, filters);
  for (const auto& f : fields.field)
    if (f) out.IntersectWith(*f);
  return out;
}

DocSet CountFacets(MatchEvaluator& evaluator, const DocSet& matches, const FacetFilters& filters, v1::Facets* facets,
                   const FacetCountOptions& options) {
  Counts counts;
  const size_t n = matches.Count();
  bool rows =
      options.method == FacetCounting::kRows || (options.method == FacetCounting::kAuto && n <= options.max_rows);
  std::optional<FacetTerms> terms;
  if (!rows) {
    terms.emplace(evaluator);
    // Rows cost a value read per match (about as much as reading 8 postings); bitmaps cost
    // nothing once cached, but some may first have to be read: take whichever is cheaper now, and
    // read some of the missing bitmaps on the way (a few times what the rows cost), so that a run
    // of such queries soon turns to bitmaps.
    MatchEvaluator::Uncached uncached = evaluator.UncachedPostings(terms->All());
    rows = options.method == FacetCounting::kAuto && 8 * n < uncached.postings;
    for (size_t warmed = 0; rows && warmed < 32 * n && !uncached.longest.empty();
         uncached = evaluator.UncachedPostings(terms->All())) {
      warmed += evaluator.TermDocs(uncached.longest)->Count();
    }
  }
  DocSet passing = rows ? CountRows(evaluator, matches, filters, &counts)
                        : CountBitmaps(evaluator, *terms, matches, filters, &counts);
  Fill(counts, facets);
  return passing;
}

}  // namespace ibasho::search
