#include "search/engine/search_filters.h"

#include <string>
#include <vector>

#include "common/civil_date.h"
#include "common/weekday.h"
#include "ibasho/search/index/v1/stored_activity.pb.h"
#include "model/schedule.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

// Keeps documents with a session on a given date (exact schedule logic, after the term prefilter).
class OpenOnDecider final : public Xapian::MatchDecider {
 public:
  explicit OpenOnDecider(CivilDate date) : date_(date) {}
  bool operator()(const Xapian::Document& doc) const override {
    index::v1::StoredActivity stored;
    if (!stored.ParseFromString(doc.get_data())) return false;
    for (const auto& s : stored.schedules())
      if (model::OccursOn(s, date_)) return true;
    return false;
  }

 private:
  CivilDate date_;
};

// Documents that may take place on date: weekly on its weekday, its nth (or last) weekday of the
// month, or dated that day.
Xapian::Query OccursOnTerms(const std::string& ymd) {
  CivilDate d = *ParseCivilDate(ymd);
  std::string wd = Weekdays()[DayOfWeek(d)].code;
  int nth = (d.day - 1) / 7 + 1;
  std::string occ(kTermOccurrence);
  std::vector<Xapian::Query> any = {Xapian::Query(occ + "w" + wd), Xapian::Query(occ + "n" + std::to_string(nth) + wd),
                                    Xapian::Query(occ + "d" + ymd)};
  if (d.day + 7 > DaysInMonth(d.year, d.month)) any.emplace_back(occ + "nL" + wd);
  return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

}  // namespace

SearchFilters FiltersOf(const v1::SearchRequest& req) {
  SearchFilters f;
  f.facets = FacetFilters{{req.category().begin(), req.category().end()},
                          {req.weekday().begin(), req.weekday().end()},
                          {req.fee().begin(), req.fee().end()},
                          {req.municipality().begin(), req.municipality().end()}};
  std::vector<Xapian::Query> values;
  if (req.has_age()) {
    std::string age = Xapian::sortable_serialise(req.age());
    values.emplace_back(Xapian::Query::OP_AND, Xapian::Query(Xapian::Query::OP_VALUE_LE, kSlotAgeMin, age),
                        Xapian::Query(Xapian::Query::OP_VALUE_GE, kSlotAgeMax, age));
  }
  if (!req.open_on().empty()) {
    values.push_back(OccursOnTerms(req.open_on()));
    f.open_on = std::make_unique<OpenOnDecider>(*ParseCivilDate(req.open_on()));
  }
  if (!values.empty()) f.values = Xapian::Query(Xapian::Query::OP_AND, values.begin(), values.end());
  if (req.has_near()) {
    f.has_centre = true;
    f.centre.append(Xapian::LatLongCoord(req.lat(), req.lon()));
    f.radius_m = req.radius_m();
  }
  return f;
}

DocSet ApplyNonFacetFilters(MatchEvaluator& evaluator, const SearchFilters& filters, DocSet matches) {
  if (filters.within_radius()) matches = evaluator.WithinDistance(*filters.centre.begin(), filters.radius_m, matches);
  if (!filters.values.empty() || filters.open_on)
    matches = evaluator.Filter(filters.values, filters.open_on.get(), matches);
  return matches;
}

bool FiltersLeaveSomething(MatchEvaluator& evaluator, const SearchFilters& filters) {
  DocSet scope = PassingFacetFilters(evaluator, evaluator.AllDocuments(), filters.facets);
  if (filters.within_radius()) return evaluator.AnyWithinDistance(*filters.centre.begin(), filters.radius_m, scope);
  return !scope.Empty();
}

}  // namespace ibasho::search
