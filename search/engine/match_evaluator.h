// Exact match sets from posting bitmaps. Counting every match of a broad query through Xapian's
// matcher visits each document with virtual calls and a value read; here a query tree is
// evaluated with whole-set operations over the documents of each term, which PostingCache keeps
// in memory for the current index revision. Phrases and filters that need positions or values
// are checked by Xapian, but only on the documents that could still change the result.
#ifndef IBASHO_SEARCH_ENGINE_MATCH_EVALUATOR_H_
#define IBASHO_SEARCH_ENGINE_MATCH_EVALUATOR_H_

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "search/engine/doc_set.h"
#include "search/engine/posting_cache.h"
#include "search/query/query_node.h"

namespace ibasho::search {

// A Xapian posting source over a DocSet (weight 0), to restrict a Xapian query to a known set.
// The set must outlive every query using the source.
class DocSetPostingSource : public Xapian::PostingSource {
 public:
  explicit DocSetPostingSource(const DocSet& docs) : docs_(docs), count_(static_cast<Xapian::doccount>(docs.Count())) {}
  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  Xapian::docid get_docid() const override { return current_; }
  void next(double) override { Advance(current_ + 1); }
  void skip_to(Xapian::docid id, double) override {
    if (id > current_) Advance(id);
  }
  bool at_end() const override { return at_end_; }
  void init(const Xapian::Database&) override {
    current_ = 0;
    at_end_ = false;
  }

 private:
  void Advance(Xapian::docid from);
  const DocSet& docs_;
  Xapian::doccount count_;
  Xapian::docid current_ = 0;
  bool at_end_ = false;
};

// Evaluates queries to exact match sets in one database revision. Not thread-safe; one per query.
// Every method throws what Xapian throws.
class MatchEvaluator {
 public:
  // db and cache must outlive the evaluator; db must not be reopened meanwhile.
  MatchEvaluator(Xapian::Database& db, PostingCache& cache);

  Xapian::docid max_docid() const { return max_docid_; }
  Xapian::Database& db() { return db_; }

  // The documents matching node (an empty node matches nothing). With within, only its members
  // are sure to be in the result when they match (so phrase checks can skip the others).
  DocSet Evaluate(const QueryNode& node, const DocSet* within = nullptr) { return Eval(node, within); }
  // The same with each phrase taken as the conjunction of its terms (no position checks): what
  // ranking, which knows its documents match, needs of the parts of a tree.
  DocSet EvaluateIgnoringPositions(const QueryNode& node, const DocSet* within = nullptr);
  // Every document in the index.
  DocSet AllDocuments() { return *cache_.Get(db_, ""); }
  // The documents indexed by any of terms.
  DocSet AnyTerm(const std::vector<std::string>& terms);
  // The members of within at most radius_m metres from centre, by Xapian::GreatCircleMetric()
  // (what Xapian::LatLongDistancePostingSource with that range accepts).
  DocSet WithinDistance(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within);
  // Whether WithinDistance() would not be empty.
  bool AnyWithinDistance(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) {
    return cache_.Locations(db_)->AnyWithin(centre, radius_m, within);
  }
  // The members of within that match query and that decider (may be null) accepts.
  DocSet Filter(const Xapian::Query& query, const Xapian::MatchDecider* decider, const DocSet& within);

  std::shared_ptr<const DocSet> TermDocs(const std::string& term) { return cache_.Get(db_, term); }
  std::shared_ptr<const TermImpacts> TermImpactsOf(const std::string& term) { return cache_.Impacts(db_, term); }
  // The members of within indexed by term. A term not cached whose posting list is much longer
  // than within is looked up member by member instead of read whole.
  DocSet TermDocsWithin(const std::string& term, const DocSet& within);
  // Adds scale × term's BM25 weight to (*scores)[id] for each member id of within indexed by term
  // (scores must cover max_docid()). Weights not cached are looked up member by member, as
  // TermDocsWithin() does, when that is cheaper than reading the list.
  void AddWeightsWithin(const std::string& term, const DocSet& within, double scale, std::vector<float>* scores);
  std::shared_ptr<const std::vector<std::string>> TermsWithPrefix(const std::string& prefix) {
    return cache_.TermsWithPrefix(db_, prefix);
  }
  // How many members of within are indexed by term.
  size_t CountWithin(const std::string& term, const DocSet& within);
  // What is left to read before the bitmaps of terms are all cached (terms too rare to cache are
  // not counted: they are read either way).
  struct Uncached {
    size_t postings = 0;
    std::string longest;  // the term with the most postings among them; "" when none
  };
  Uncached UncachedPostings(const std::vector<std::string>& terms);

 private:
  // focus, when not null, says that only its members matter to the caller: members outside it
  // may be missing from the result (lets phrase checks skip documents).
  DocSet Eval(const QueryNode& node, const DocSet* focus);
  DocSet EvalPhrase(const QueryNode& node, const DocSet* focus);
  // Whether looking up the members of within one by one beats reading term's postings: the term is
  // not cached and has many times more postings.
  bool LookUpMembers(const std::string& term, const DocSet& within, bool cached, size_t postings_per_look_up);
  // TermDocsWithin(term, *focus), or every document of term without focus.
  DocSet TermDocsFor(const std::string& term, const DocSet* focus) {
    return focus ? TermDocsWithin(term, *focus) : *TermDocs(term);
  }
  // The number of documents node can match at most (for ordering conjunctions).
  Xapian::doccount MaxMatches(const QueryNode& node);
  // (id, weight) of term in the members of within, looked up in the index.
  std::vector<std::pair<Xapian::docid, float>> LookUpWeights(const std::string& term, const DocSet& within);

  Xapian::Database& db_;
  PostingCache& cache_;
  Xapian::docid max_docid_;
  bool check_positions_ = true;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_MATCH_EVALUATOR_H_
