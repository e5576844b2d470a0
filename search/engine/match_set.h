// Exact match sets from posting bitmaps. Counting every match of a broad query through Xapian's
// matcher visits each document with virtual calls and a value read; here a query tree is
// evaluated with whole-set operations over the documents of each term, which PostingCache keeps
// in memory for the current index revision. Phrases and filters that need positions or values
// are checked by Xapian, but only on the documents that could still change the result.
#ifndef IBASHO_SEARCH_ENGINE_MATCH_SET_H_
#define IBASHO_SEARCH_ENGINE_MATCH_SET_H_

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/engine/doc_set.h"
#include "search/engine/geo_index.h"
#include "search/index/index_delta.h"
#include "search/query/query_node.h"

namespace ibasho::search {

struct PostingCacheOptions {
  // Memory for cached term data, the larger of these two; least recently used terms go first.
  // Bitmaps and weight lists grow with the index, hence the share per document.
  size_t max_bytes = size_t{128} << 20;
  size_t max_bytes_per_document = 512;
  // Bitmaps of terms in fewer than doccount / min_share_divisor documents are not kept: they would
  // take more memory than their postings (weight lists, which take memory in proportion to their
  // postings, are kept for every term).
  Xapian::doccount min_share_divisor = 256;
  // A phrase checked on at least this many candidates keeps what the check found (the documents
  // checked, those holding it) until the next revision.
  size_t min_phrase_candidates_to_keep = 256;
};

// A term's documents in docid order with the term's BM25 weight in each (bm25.h), and the
// collection statistics the weights were computed with. A list brought up to date from deltas is a
// chain: base holds the earlier postings and this segment the documents added since (which get
// higher ids), so a commit costs what it adds, not the length of the list. Removed documents may
// stay listed (exact = false): they are in no match set, so their weights are never used.
// A weighted term in at least half the documents is read into a dense segment (a weight for every
// id, 0 for documents without it): smaller than ids and weights, and a weight is found without a
// search. (Boolean terms, whose weights are 0, stay sparse.)
struct TermImpacts {
  std::vector<Xapian::docid> docs;          // this segment, when sparse
  std::vector<float> weights;               // weights[i] is docs[i]'s
  std::vector<float> dense;                 // this segment, when dense: dense[id] is id's weight
  std::shared_ptr<const TermImpacts> base;  // null for the first segment
  double doccount = 0, average_length = 0, termfreq = 0;
  bool exact = true;    // lists exactly the term's documents
  size_t segments = 1;  // in the chain, this one included
  size_t postings = 0;  // in the chain

  // Calls f(segment) for each segment of the chain, in docid order.
  template <typename F>
  void ForEachSegment(F&& f) const {
    if (base) base->ForEachSegment(f);
    f(*this);
  }
  bool HasDenseSegment() const { return !dense.empty() || (base && base->HasDenseSegment()); }
  // An id at least as high as the last listed (the last id a dense segment covers).
  Xapian::docid LastDoc() const {
    if (!docs.empty()) return docs.back();
    if (!dense.empty()) return static_cast<Xapian::docid>(dense.size() - 1);
    return base ? base->LastDoc() : 0;
  }
  // Whether id is listed (for a dense segment: has a weight other than 0).
  bool Lists(Xapian::docid id) const {
    return std::binary_search(docs.begin(), docs.end(), id) || (id < dense.size() && dense[id] != 0) ||
           (base && base->Lists(id));
  }
  size_t MemoryBytes() const {
    return (docs.size() + weights.size() + dense.size()) * sizeof(float) + (base ? base->MemoryBytes() : 0);
  }
};

// What the matcher needs to know about terms, for the newest index revision readers have seen:
// the documents of each term as bitmaps, their BM25 weights, term frequencies, the terms of a
// facet prefix, where every document is, and what checks of phrases on many candidates found.
// When a reader reopens at a newer revision, cached terms and locations are brought up to date
// from the writer's deltas (IndexChangeListener) when it announced every revision in between, and
// dropped otherwise (phrases are always dropped). A reader behind the newest revision is served the
// values as they were before their last patch when that is its revision, else newer bitmaps cut to
// its ids and the newer weight lists (which still list its documents), else (values older than the
// reader) without caching. BM25 weights kept this way use collection statistics at most 1% away
// from the current ones; beyond that they are read again.
// Thread-safe; every method throws what Xapian throws.
class PostingCache final : public IndexChangeListener {
 public:
  struct Stats {
    uint64_t reads = 0;    // term postings read from the index
    uint64_t patches = 0;  // cached terms brought up to date from deltas
    size_t bytes = 0;      // held now
  };

  explicit PostingCache(const PostingCacheOptions& options = {}) : options_(options) {}

  // The documents indexed by term ("" for every document) in db as it is open now.
  std::shared_ptr<const DocSet> Get(Xapian::Database& db, const std::string& term);
  // Whether term's bitmap is cached for db's revision (so Get() costs no index reads).
  bool HasDocs(Xapian::Database& db, const std::string& term);
  // Whether term's weight list is cached for db's revision (so Impacts() costs no index reads).
  bool HasImpacts(Xapian::Database& db, const std::string& term);
  // The documents indexed by term with its weight in each.
  std::shared_ptr<const TermImpacts> Impacts(Xapian::Database& db, const std::string& term);
  // The number of documents indexed by term.
  Xapian::doccount TermFreq(Xapian::Database& db, const std::string& term);
  // Every term that starts with prefix, in order.
  std::shared_ptr<const std::vector<std::string>> TermsWithPrefix(Xapian::Database& db, const std::string& prefix);
  // Where every document in db is (the kSlotLatLon values; about 44 bytes per docid, counted in
  // the budget).
  std::shared_ptr<const DocumentLocations> Locations(Xapian::Database& db);
  // What position checks of a phrase (its terms at consecutive positions) found at one revision.
  struct PhraseChecks {
    bool complete = false;                         // every document that could hold it was checked
    std::shared_ptr<const CompactDocSet> checked;  // the documents checked (null when complete)
    std::shared_ptr<const CompactDocSet> holding;  // those of them holding the phrase
  };
  // What KeepPhrase() kept for the phrase at db's revision (nothing for a reader behind the newest
  // revision). Phrases cannot follow deltas: a new revision drops them.
  PhraseChecks Phrase(Xapian::Database& db, const std::vector<std::string>& terms);
  // Replaces what is kept for the phrase at db's revision.
  void KeepPhrase(Xapian::Database& db, const std::vector<std::string>& terms, PhraseChecks checks);
  // Records look-ups of documents in term's postings costing about cost postings read; true, and
  // the count starts again, once the look-ups since the list was last read reach termfreq: reading
  // the list whole (its bitmap cached for later queries) then costs no more than look-ups already
  // have, so a term looked up query after query is soon cached. (Weight lists are not counted:
  // reading one costs a document length per posting and it takes 8 bytes per posting.)
  bool LookUpsReachList(const std::string& term, uint64_t cost, Xapian::doccount termfreq);
  // Whether a term in termfreq of doccount documents is worth keeping as a bitmap.
  bool Worthwhile(Xapian::doccount termfreq, Xapian::doccount doccount) const {
    return termfreq >= doccount / options_.min_share_divisor;
  }
  Stats stats();
  const PostingCacheOptions& options() const { return options_; }

  void WillCommit(const IndexDelta& delta) override;
  void CommitFailed(Xapian::rev revision) override;

 private:
  struct Entry {
    Xapian::rev revision = 0;                    // what docs and impacts are up to date with
    std::shared_ptr<const DocSet> docs;          // null until asked for
    std::shared_ptr<const TermImpacts> impacts;  // null until asked for
    PhraseChecks phrase;                         // for a phrase (its key starts with \x01), instead of docs and impacts
    // What docs and impacts were before the last patch, for readers still at that revision (a
    // query that started before a commit another reader already sees).
    Xapian::rev previous_revision = 0;
    std::shared_ptr<const DocSet> previous_docs;
    std::shared_ptr<const TermImpacts> previous_impacts;
    size_t bytes = 0;
    uint64_t last_used = 0;
  };
  // The field of term's entry at revision (brought up to date first), or null when missing or
  // when neither the entry's value nor its previous one is at that revision.
  template <typename T>
  std::shared_ptr<const T> Find(Xapian::Database& db, Xapian::rev revision, const std::string& term,
                                std::shared_ptr<const T> Entry::*field);
  // Keeps built as the field of term's entry when worthwhile; returns what the entry holds.
  template <typename T>
  std::shared_ptr<const T> Store(Xapian::Database& db, Xapian::rev revision, const std::string& term,
                                 std::shared_ptr<const T> Entry::*field, std::shared_ptr<const T> built);
  // Under mu_: moves to revision (of db) when it is newer (dropping the entries when the deltas do
  // not reach it); false when revision is older than the cached one.
  bool SyncLocked(Xapian::Database& db, Xapian::rev revision);
  // Under mu_: the kept delta that creates revision, or null.
  // What locations_ and previous_locations_ take together (they share most of it).
  size_t LocationsBytesLocked() const;
  const IndexDelta* DeltaLocked(Xapian::rev revision) const;
  // Under mu_: applies the deltas after entry.revision up to revision_ to entry; false when they
  // are not all kept (the entry must then be dropped).
  bool PatchLocked(Xapian::Database& db, const std::string& term, Entry* entry);
  // Under mu_: the same for locations_; false when the deltas are not all kept.
  bool PatchLocationsLocked();
  void EvictLocked();
  // Under mu_: the memory budget for doccount documents.
  size_t Budget(Xapian::doccount doccount) const {
    return std::max(options_.max_bytes, options_.max_bytes_per_document * doccount);
  }
  // Under mu_: drops the newest or the oldest kept delta.
  void PopDeltaLocked(bool newest);
  // memo[key] for the cached revision, computed by compute() when missing.
  template <typename Value, typename Compute>
  Value Memoized(Xapian::Database& db, std::unordered_map<std::string, Value>* memo, const std::string& key,
                 Compute compute);

  static constexpr size_t kMaxMemoized = 100000;
  static constexpr size_t kMaxDeltas = 256;

  PostingCacheOptions options_;
  std::mutex mu_;
  Xapian::rev revision_ = 0;
  bool have_revision_ = false;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, Xapian::doccount> termfreqs_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<std::string>>> prefix_terms_;
  std::unordered_map<std::string, uint64_t> look_up_costs_;      // by term, since last read
  std::shared_ptr<const DocumentLocations> locations_;           // null until asked for
  Xapian::rev locations_revision_ = 0;                           // what locations_ is up to date with
  std::shared_ptr<const DocumentLocations> previous_locations_;  // before the last patch
  Xapian::rev previous_locations_revision_ = 0;
  std::deque<std::shared_ptr<const IndexDelta>> deltas_;  // announced commits, ascending revisions
  size_t delta_bytes_ = 0;                                // kept within a quarter of the budget
  size_t budget_ = 0;                                     // Budget() as of the newest revision
  size_t bytes_ = 0;
  uint64_t tick_ = 0;
  Stats stats_;
};

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

#endif  // IBASHO_SEARCH_ENGINE_MATCH_SET_H_
