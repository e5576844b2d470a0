// IndexWriter: applies the registry's change feed to the Xapian database. Each batch is one
// Xapian commit that also stores the batch's last cursor in metadata, so after a crash the
// service resumes exactly after the last committed batch: no gaps, no duplicates.
//
// Only published activities of published groups are indexed, and only public contact fields are
// stored. Not thread-safe: one writer thread owns it.
#ifndef IBASHO_SEARCH_INDEX_INDEX_WRITER_H_
#define IBASHO_SEARCH_INDEX_INDEX_WRITER_H_

#include <xapian.h>
#include <atomic>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"
#include "search/analysis/analyzer.h"
#include "search/index/index_delta.h"

namespace ibasho::search {

// Builds the document for one activity of a group (exposed for tests and benchmarks).
Xapian::Document BuildActivityDocument(const registry::v1::Group& group, const registry::v1::Activity& activity,
                                       const DocumentAnalyzer& analyzer, std::vector<std::string>* nouns);

class IndexWriter {
 public:
  // Opens or creates the database at path.
  static StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& path, const Tokenizer& tokenizer);

  // listener (null: none; must outlive its use) hears about every commit of Apply(); ReplaceAll()
  // commits without telling it. Set it from the thread that applies changes, between batches.
  void set_listener(IndexChangeListener* listener) { listener_ = listener; }

  // Applies every event of the batch in one commit. Events at or before the applied cursor are
  // skipped. Unavailable when Xapian fails (the batch is then not applied at all).
  Status Apply(const registry::v1::ChangeBatch& batch);

  // Replaces the whole index with the published activities of groups, as of cursor, in one
  // commit (a resync after the registry compacted the part of the feed this index needed).
  Status ReplaceAll(const std::vector<registry::v1::Group>& groups, int64_t cursor);

  // Thread-safe: read by gRPC threads (IndexStatus) while the follower applies.
  int64_t AppliedCursor() const { return applied_cursor_.load(); }
  // The index's revision (it counts commits). Thread-safe.
  uint64_t Revision() const { return revision_.load(); }
  uint32_t DocCount() const;
  // The bytes of the index's files on disk.
  int64_t IndexBytes() const;

 private:
  IndexWriter(Xapian::WritableDatabase db, std::string path, const Tokenizer& tokenizer);
  Status Abort(bool in_transaction, const std::string& message, StatusCode code);
  // Adds the published activities of a published group. Inside a transaction. With delta, notes
  // the documents written (as added, and as removed in case they replaced one).
  void AddGroup(const registry::v1::Group& group, IndexDelta* delta);
  Xapian::WritableDatabase db_;
  std::string path_;
  IndexChangeListener* listener_ = nullptr;
  Xapian::rev announced_ = 0;  // the revision the listener was told about and not yet committed
  DocumentAnalyzer analyzer_;
  std::atomic<int64_t> applied_cursor_{0};
  std::atomic<uint64_t> revision_{0};
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_INDEX_INDEX_WRITER_H_
