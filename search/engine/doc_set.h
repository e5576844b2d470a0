// DocSet: a set of Xapian document ids as a dense bitmap, for evaluating the match set of a query
// and counting facets by intersection. Ids run from 1 to the capacity given at construction;
// combining two sets requires the same capacity.
//
// Not thread-safe for writes; a const DocSet may be read from any number of threads.
#ifndef IBASHO_SEARCH_ENGINE_DOC_SET_H_
#define IBASHO_SEARCH_ENGINE_DOC_SET_H_

#include <xapian.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ibasho::search {

class DocSet {
 public:
  // An empty set able to hold ids 1..max_docid.
  explicit DocSet(Xapian::docid max_docid = 0) : words_(max_docid / 64 + 1, 0), max_docid_(max_docid) {}
  // Every id 1..max_docid.
  static DocSet All(Xapian::docid max_docid);

  Xapian::docid max_docid() const { return max_docid_; }
  size_t MemoryBytes() const { return words_.size() * sizeof(uint64_t); }

  // A copy able to hold ids 1..max_docid (members beyond it are dropped).
  DocSet Resized(Xapian::docid max_docid) const;

  // id must be ≤ max_docid().
  void Add(Xapian::docid id) { words_[id >> 6] |= uint64_t{1} << (id & 63); }
  // Add(id) when member, without a branch.
  void AddIf(Xapian::docid id, bool member) { words_[id >> 6] |= uint64_t{member} << (id & 63); }
  void Remove(Xapian::docid id) {
    if (id <= max_docid_) words_[id >> 6] &= ~(uint64_t{1} << (id & 63));
  }
  bool Contains(Xapian::docid id) const { return id <= max_docid_ && (words_[id >> 6] >> (id & 63)) & 1; }

  void IntersectWith(const DocSet& other);
  void UnionWith(const DocSet& other);
  void Subtract(const DocSet& other);

  size_t Count() const;
  size_t CountIntersection(const DocSet& other) const;
  bool Empty() const;

  // The smallest member ≥ id, or 0 when there is none.
  Xapian::docid NextFrom(Xapian::docid id) const;

  // Calls f(first, bits) for each run of 64 ids that has members, in increasing order: bit i of
  // bits says whether first + i is a member.
  template <typename F>
  void ForEachWord(F&& f) const {
    for (size_t w = 0; w < words_.size(); ++w)
      if (words_[w]) f(static_cast<Xapian::docid>(w * 64), words_[w]);
  }
  // Calls f(id) for every member in increasing order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t w = 0; w < words_.size(); ++w)
      for (uint64_t bits = words_[w]; bits; bits &= bits - 1)
        f(static_cast<Xapian::docid>(w * 64 + std::countr_zero(bits)));
  }

 private:
  std::vector<uint64_t> words_;
  Xapian::docid max_docid_;
};

// An immutable DocSet kept in whichever takes less memory: sorted ids (few members) or the bitmap.
// For sets kept a while, such as what phrase checks found. Thread-safe (immutable).
class CompactDocSet {
 public:
  explicit CompactDocSet(const DocSet& docs);
  size_t MemoryBytes() const { return bitmap_ ? bitmap_->MemoryBytes() : ids_.size() * sizeof(Xapian::docid); }
  // The set as a DocSet able to hold ids 1..max_docid (members beyond it are dropped).
  DocSet ToDocSet(Xapian::docid max_docid) const;
  void AddTo(DocSet* docs) const;
  void SubtractFrom(DocSet* docs) const;

 private:
  std::unique_ptr<const DocSet> bitmap_;  // null when ids_ holds the members
  std::vector<Xapian::docid> ids_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_DOC_SET_H_
