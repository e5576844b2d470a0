// BM25 weights of a term per document, kept by the posting cache (posting_cache.h).
#ifndef IBASHO_SEARCH_ENGINE_TERM_IMPACTS_H_
#define IBASHO_SEARCH_ENGINE_TERM_IMPACTS_H_

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace ibasho::search {

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

// The chain as one segment: dense when it starts with a dense segment, sparse otherwise.
std::shared_ptr<const TermImpacts> JoinSegments(const TermImpacts& chain);

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_TERM_IMPACTS_H_
