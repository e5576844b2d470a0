// The filters of a search request in the form the matcher applies them: facet filters (bitmaps),
// value filters for Xapian (age range, a date the activity takes place, with its exact schedule
// check), and the distance circle. Built once per request; not thread-safe.
#ifndef IBASHO_SEARCH_ENGINE_SEARCH_FILTERS_H_
#define IBASHO_SEARCH_ENGINE_SEARCH_FILTERS_H_

#include <xapian.h>

#include <memory>

#include "common/civil_date.h"
#include "common/status.h"
#include "ibasho/search/v1/search.pb.h"
#include "search/engine/doc_set.h"
#include "search/engine/facet_counter.h"
#include "search/engine/match_evaluator.h"

namespace ibasho::search {

struct SearchFilters {
  FacetFilters facets;
  // Filters that need values (AND of them); empty when none.
  Xapian::Query values;
  // Exact schedule check for open_on (valid_from / valid_to), after the term prefilter; or null.
  std::unique_ptr<Xapian::MatchDecider> open_on;
  bool has_centre = false;
  Xapian::LatLongCoords centre;  // one point when has_centre
  double radius_m = 0;           // > 0: only documents within this distance of the centre

  bool within_radius() const { return has_centre && radius_m > 0; }
};

// The occurrence terms of documents that may take place on date (weekly on its weekday, its nth
// or last weekday of the month, or dated that day); the exact check is model::OccursOn.
std::vector<std::string> OccurrenceTermsOn(const CivilDate& date);

// Ok, or InvalidArgument naming the first bad field (q, category, near, page_size…).
Status ValidateSearchRequest(const v1::SearchRequest& request, int max_page_size);

// The request must have passed ValidateSearchRequest (real dates, known codes).
SearchFilters FiltersOf(const v1::SearchRequest& request);

// matches narrowed by the distance circle and the value filters (facets are not applied here:
// facet counting applies them, each ignoring its own).
DocSet ApplyNonFacetFilters(MatchEvaluator& evaluator, const SearchFilters& filters, DocSet matches);

// Whether the facet and distance filters alone leave any document (if not, no relaxation of the
// words can find anything).
bool FiltersLeaveSomething(MatchEvaluator& evaluator, const SearchFilters& filters);

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_SEARCH_FILTERS_H_
