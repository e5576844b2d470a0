// The read side of the transactional outbox (the change feed) and its retention.
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/limits.h"
#include "model/json_mapping.h"
#include "storage/registry_store.h"
#include "storage/store_impl.h"

namespace ibasho::storage {

using registry::v1::Change;
using registry::v1::ChangeEvent;

StatusOr<std::vector<ChangeEvent>> RegistryStore::ChangesAfter(int64_t after, int limit, bool with_groups) {
  if (limit <= 0) limit = limits::kDefaultChangesPageSize;
  if (after < impl_->compacted_through.load())
    return Status(StatusCode::kOutOfRange,
                  "cursor " + std::to_string(after) + " is older than the retained change feed (changes up to " +
                      std::to_string(impl_->compacted_through.load()) +
                      " were compacted); resync: read every group with GET /v1/groups, then follow "
                      "GET /v1/changes?after=<feed_cursor of that listing>",
                  "after");
  return impl_->Guarded("reading changes", [&]() -> StatusOr<std::vector<ChangeEvent>> {
    SQLite::Transaction snapshot(*impl_->db);  // one consistent read of changes and documents
    SQLite::Statement q(*impl_->db,
                        "SELECT c.seq, c.group_id, c.op, c.version, c.changed_at, g.doc FROM changes c "
                        "JOIN groups g ON g.id = c.group_id WHERE c.seq > ? ORDER BY c.seq LIMIT ?");
    q.bind(1, static_cast<int64_t>(after));
    q.bind(2, limit);
    std::vector<ChangeEvent> out;
    while (q.executeStep()) {
      ChangeEvent ev;
      Change* c = ev.mutable_change();
      c->set_cursor(std::to_string(q.getColumn(0).getInt64()));
      c->set_group_id(q.getColumn(1).getString());
      c->set_op(q.getColumn(2).getString() == "delete" ? registry::v1::CHANGE_OP_DELETE
                                                       : registry::v1::CHANGE_OP_UPSERT);
      c->set_version(q.getColumn(3).getInt());
      c->set_changed_at(q.getColumn(4).getString());
      if (with_groups && c->op() == registry::v1::CHANGE_OP_UPSERT &&
          !ParseStoredJson(q.getColumn(5).getString(), ev.mutable_group()))
        return Internal("stored group " + c->group_id() + " is unreadable");
      out.push_back(std::move(ev));
    }
    snapshot.commit();
    return out;
  });
}

bool RegistryStore::WaitForChangeAfter(int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->wait_mu);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->latest_seq.load() > after; });
}

StatusOr<int> RegistryStore::CompactChanges(const std::string& cutoff) {
  return impl_->Guarded("compaction", [&]() -> StatusOr<int> {
    SQLite::Transaction tx(*impl_->db);
    // The highest seq about to go: superseded rows and tombstones older than the cutoff.
    const char* kDoomed =
        "FROM changes c WHERE c.changed_at < ?1 AND (c.op = 'delete' OR EXISTS "
        "(SELECT 1 FROM changes n WHERE n.group_id = c.group_id AND n.seq > c.seq))";
    SQLite::Statement max(*impl_->db, std::string("SELECT COALESCE(MAX(c.seq), 0) ") + kDoomed);
    max.bind(1, cutoff);
    max.executeStep();
    int64_t through = max.getColumn(0).getInt64();
    max.reset();
    SQLite::Statement del(*impl_->db, std::string("DELETE FROM changes WHERE seq IN (SELECT c.seq ") + kDoomed + ")");
    del.bind(1, cutoff);
    int dropped = del.exec();
    if (through > impl_->compacted_through.load()) {
      SQLite::Statement upd(*impl_->db, "UPDATE feed_state SET value = ? WHERE key = 'compacted_through'");
      upd.bind(1, static_cast<int64_t>(through));
      upd.exec();
    }
    tx.commit();
    if (through > impl_->compacted_through.load()) impl_->compacted_through = through;
    return dropped;
  });
}

int64_t RegistryStore::LatestSeq() const { return impl_->latest_seq.load(); }
int64_t RegistryStore::CompactedThrough() const { return impl_->compacted_through.load(); }

}  // namespace ibasho::storage
