// IndexDelta: what one commit of the index writer changes, so that in-memory structures derived
// from the index (the searcher's posting cache) can follow the index without reading it again.
#ifndef IBASHO_SEARCH_INDEX_INDEX_DELTA_H_
#define IBASHO_SEARCH_INDEX_INDEX_DELTA_H_

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

namespace ibasho::search {

struct IndexDelta {
  struct AddedDocument {
    Xapian::docid id;
    Xapian::termcount length;                                      // sum of the wdfs
    std::vector<std::pair<std::string, Xapian::termcount>> terms;  // (term, wdf), sorted by term
    std::string location;                                          // its kSlotLatLon value, "" for none
  };
  Xapian::rev revision = 0;            // the revision the commit creates
  std::vector<Xapian::docid> removed;  // sorted, unique; includes replaced documents
  std::vector<AddedDocument> added;    // sorted by id; replaced documents appear in both lists

  size_t MemoryBytes() const {
    size_t bytes = sizeof(*this) + removed.size() * sizeof(Xapian::docid);
    for (const auto& d : added) {
      bytes += sizeof(d) + d.location.size();
      for (const auto& [term, wdf] : d.terms) bytes += sizeof(term) + term.size() + sizeof(wdf);
    }
    return bytes;
  }
};

// Told by the writer about each commit. Called from the writer's thread; must be thread-safe
// towards readers.
class IndexChangeListener {
 public:
  virtual ~IndexChangeListener() = default;
  // Just before the writer commits delta.revision (so no reader can see the revision first).
  virtual void WillCommit(const IndexDelta& delta) = 0;
  // The commit announced for revision failed; it will not happen.
  virtual void CommitFailed(Xapian::rev revision) = 0;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_INDEX_INDEX_DELTA_H_
