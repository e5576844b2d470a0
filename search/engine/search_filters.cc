#include "search/engine/search_filters.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/civil_date.h"
#include "common/limits.h"
#include "common/taxonomy.h"
#include "common/utf8.h"
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

Xapian::Query OccursOnTerms(const std::string& ymd) {
  std::vector<std::string> terms = OccurrenceTermsOn(*ParseCivilDate(ymd));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace

std::vector<std::string> OccurrenceTermsOn(const CivilDate& d) {
  const std::string wd = Weekdays()[DayOfWeek(d)].code;
  const std::string occ(kTermOccurrence);
  std::vector<std::string> terms = {occ + "w" + wd, occ + "n" + std::to_string((d.day - 1) / 7 + 1) + wd,
                                    occ + "d" + FormatCivilDate(d)};
  if (d.day + 7 > DaysInMonth(d.year, d.month)) terms.push_back(occ + "nL" + wd);
  return terms;
}

SearchFilters FiltersOf(const v1::SearchRequest& req) {
  SearchFilters f;
  f.facets = FacetFilters{{req.category().begin(), req.category().end()},
                          {req.weekday().begin(), req.weekday().end()},
                          {req.fee().begin(), req.fee().end()},
                          {req.municipality().begin(), req.municipality().end()},
                          {req.age_band().begin(), req.age_band().end()}};
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

Status ValidateSearchRequest(const v1::SearchRequest& r, int max_page_size) {
  if (!IsValidUtf8(r.q())) return InvalidArgument("q is not valid UTF-8", "q");
  if (r.q().size() > limits::kMaxQueryBytes)
    return InvalidArgument("q is too long (max " + std::to_string(limits::kMaxQueryBytes) + " bytes)", "q");
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
  if (!v1::SortOrder_IsValid(r.sort())) return InvalidArgument("sort must be relevance or distance", "sort");
  if (r.sort() == v1::SORT_ORDER_DISTANCE && !r.has_near())
    return InvalidArgument("sort=distance needs near=LAT,LON", "sort");
  if (!r.open_on().empty() && !ParseCivilDate(r.open_on()))
    return InvalidArgument("open_on must be a real date YYYY-MM-DD", "open_on");
  if (!r.today().empty() && !ParseCivilDate(r.today()))
    return InvalidArgument("today must be a real date YYYY-MM-DD", "today");
  for (const auto& b : r.age_band())
    if (!FindAgeBand(b))
      return InvalidArgument("age_band must be one of preschool elementary junior_high high_school adult", "age_band");
  if (r.age() < 0 || r.age() > limits::kMaxAge)
    return InvalidArgument("age must be 0.." + std::to_string(limits::kMaxAge), "age");
  return Status::Ok();
}

}  // namespace ibasho::search
