// Relevance ranking over a known match set. The weights are those of ToXapian(query) with
// phrases_as_conjunctions (BM25 per term, scaled, summed over the parts of the tree a document
// matches; constant boosts), but they are added term at a time from the posting cache's impact
// lists instead of document at a time through Xapian's matcher, which decodes every posting of
// every term with virtual calls per document. Ties keep docid order, as in Xapian.
#ifndef IBASHO_SEARCH_ENGINE_RANKER_H_
#define IBASHO_SEARCH_ENGINE_RANKER_H_

#include <cstddef>
#include <vector>

#include "search/engine/doc_set.h"
#include "search/engine/match_evaluator.h"
#include "search/query/query_node.h"

namespace ibasho::search {

struct RankedDocument {
  Xapian::docid id;
  double weight;
};

// The members of matching at ranks [offset, offset + count), best first. Every member must match
// query (phrases as conjunctions). scores is scratch space indexed by docid: all zero on entry and
// on return, grown as needed. Throws what Xapian throws.
std::vector<RankedDocument> RankByRelevance(MatchEvaluator& evaluator, const QueryNode& query, const DocSet& matching,
                                            size_t offset, size_t count, std::vector<float>* scores);

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_RANKER_H_
