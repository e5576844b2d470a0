// Exact total and facet counts for a search. The facet filters of a request narrow the total;
// each facet is counted with every filter but its own, so a page can offer the alternatives.
//
// Large match sets are counted by intersecting bitmaps (one per facet value, from the posting
// cache); small ones, or any when the bitmaps would first have to be read from the index, by
// reading each match's packed facet row (index_schema.h). Both give the same counts.
#ifndef IBASHO_SEARCH_ENGINE_FACET_COUNTER_H_
#define IBASHO_SEARCH_ENGINE_FACET_COUNTER_H_

#include <string>
#include <vector>

#include "ibasho/search/v1/search.pb.h"
#include "search/engine/doc_set.h"
#include "search/engine/match_evaluator.h"

namespace ibasho::search {

// OR within a field, AND across fields. Values are checked by the caller.
struct FacetFilters {
  std::vector<std::string> categories;      // taxonomy codes
  std::vector<std::string> weekdays;        // mon..sun
  std::vector<std::string> fees;            // free | paid
  std::vector<std::string> municipalities;  // names as indexed
  std::vector<std::string> age_bands;       // AgeBands() codes
};

enum class FacetCounting {
  kAuto,  // rows for small match sets, bitmaps otherwise
  kRows,
  kBitmaps,
};

struct FacetCountOptions {
  FacetCounting method = FacetCounting::kAuto;
  size_t max_rows = 512;  // kAuto reads rows up to this many matches
};

// The members of docs that pass every filter. Throws what Xapian throws.
DocSet PassingFacetFilters(MatchEvaluator& evaluator, const DocSet& docs, const FacetFilters& filters);

// Fills facets and returns the documents of matches that pass every filter (their number is the
// total). Throws what Xapian throws.
DocSet CountFacets(MatchEvaluator& evaluator, const DocSet& matches, const FacetFilters& filters, v1::Facets* facets,
                   const FacetCountOptions& options = {});

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_FACET_COUNTER_H_
