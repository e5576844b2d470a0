// The in-memory term data that exact matching, facet counting and ranking read: posting bitmaps,
// BM25 weight lists, term frequencies, document locations and phrase checks, per index revision.
#ifndef IBASHO_SEARCH_ENGINE_POSTING_CACHE_H_
#define IBASHO_SEARCH_ENGINE_POSTING_CACHE_H_

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
#include "search/engine/term_impacts.h"
#include "search/index/index_delta.h"

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
    uint64_t reads = 0;    // term postings read from the index (not counting terms it does not hold)
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
  // The memory budget for doccount documents.
  size_t Budget(Xapian::doccount doccount) const {
    return std::max(options_.max_bytes, options_.max_bytes_per_document * doccount);
  }

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

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_POSTING_CACHE_H_
