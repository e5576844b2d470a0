// Review of editors' changes, the audit log, and listing verification.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "common/limits.h"
#include "model/group_diff.h"
#include "model/group_validator.h"
#include "model/json_mapping.h"
#include "storage/registry_store.h"
#include "storage/store_impl.h"

namespace ibasho::storage {

using model::ApplyDefaults;
using model::DiffGroups;
using model::SameContent;
using model::ValidateGroup;
using registry::v1::FieldChange;
using registry::v1::Group;
using registry::v1::HistoryEntry;

void RegistryStore::Impl::Audit(const std::string& group_id, const std::string& action, const Actor& actor, int version,
                                const std::vector<FieldChange>& diff, const std::string& note) {
  auto& a = Stmt("INSERT INTO audit(group_id, action, actor, at, version, diff, note) VALUES (?, ?, ?, ?, ?, ?, ?)");
  a.bind(1, group_id);
  a.bind(2, action);
  a.bind(3, ActorLabel(actor));
  a.bind(4, Now());
  a.bind(5, version);
  a.bind(6, model::DiffToJson(diff).dump());
  a.bind(7, note);
  a.exec();
}

StatusOr<Group> RegistryStore::SubmitRevision(Group g, int expected_version, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  return impl_->Guarded("submit", [&]() -> StatusOr<Group> {
    auto stored = impl_->Load(g.id());
    if (!stored.ok()) return stored.status();
    Status s = impl_->PrepareUpdate(&g, *stored, expected_version);
    if (!s.ok()) return s;
    g.set_version(stored->version());
    g.set_updated_at(stored->updated_at());
    SQLite::Transaction tx(*impl_->db);
    SQLite::Statement put(*impl_->db,
                          "INSERT INTO pending_revisions(group_id, doc, base_version, submitted_by, submitted_at) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT(group_id) DO UPDATE SET doc = excluded.doc, "
                          "base_version = excluded.base_version, submitted_by = excluded.submitted_by, "
                          "submitted_at = excluded.submitted_at");
    put.bind(1, g.id());
    put.bind(2, ToStoredJson(g));
    put.bind(3, stored->version());
    put.bind(4, ActorLabel(actor));
    put.bind(5, impl_->Now());
    put.exec();
    impl_->Audit(g.id(), "submit", actor, stored->version(), DiffGroups(*stored, g), "pending review");
    tx.commit();
    return g;
  });
}

StatusOr<Group> RegistryStore::PendingRevision(const std::string& id) {
  return impl_->Guarded("read", [&]() -> StatusOr<Group> {
    SQLite::Statement q(*impl_->db, "SELECT doc FROM pending_revisions WHERE group_id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " has no change waiting for review");
    Group g;
    if (!ParseStoredJson(q.getColumn(0).getString(), &g)) return Internal("pending revision is unreadable");
    return g;
  });
}

StatusOr<Group> RegistryStore::PublishRevision(const std::string& id, const Actor& actor) {
  return impl_->Guarded("publish", [&]() -> StatusOr<Group> {
    SQLite::Statement q(*impl_->db, "SELECT doc, base_version FROM pending_revisions WHERE group_id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " has no change waiting for review");
    Group g;
    if (!ParseStoredJson(q.getColumn(0).getString(), &g)) return Internal("pending revision is unreadable");
    int base = q.getColumn(1).getInt();
    q.reset();
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    if (stored->version() != base)
      return Status(StatusCode::kFailedPrecondition,
                    "the group changed since this revision was submitted (version " + std::to_string(base) + " → " +
                        std::to_string(stored->version()) + "); ask for a new submission",
                    "version");
    Status s = impl_->PrepareUpdate(&g, *stored, 0);
    if (!s.ok()) return s;
    g.set_version(stored->version() + 1);
    g.set_updated_at(impl_->Now());
    const char* op = FeedOpFor(g);
    auto drop = [&] {
      SQLite::Statement del(*impl_->db, "DELETE FROM pending_revisions WHERE group_id = ?");
      del.bind(1, id);
      del.exec();
    };
    if (SameContent(g, *stored)) {
      SQLite::Transaction tx(*impl_->db);
      drop();
      tx.commit();
      return std::move(stored).value();
    }
    return impl_->Write(std::move(g), &stored.value(), op, "publish", actor, drop);
  });
}

Status RegistryStore::RejectRevision(const std::string& id, const std::string& reason, const Actor& actor) {
  return impl_->Guarded("reject", [&]() -> Status {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    SQLite::Transaction tx(*impl_->db);
    SQLite::Statement del(*impl_->db, "DELETE FROM pending_revisions WHERE group_id = ?");
    del.bind(1, id);
    if (del.exec() == 0) return NotFound("group " + id + " has no change waiting for review");
    impl_->Audit(id, "reject", actor, stored->version(), {}, reason);
    tx.commit();
    return Status::Ok();
  });
}

StatusOr<std::vector<HistoryEntry>> RegistryStore::History(const std::string& id) {
  return impl_->Guarded("history", [&]() -> StatusOr<std::vector<HistoryEntry>> {
    if (!impl_->Load(id).ok()) return NotFound("group " + id + " not found");
    SQLite::Statement q(
        *impl_->db, "SELECT seq, action, actor, at, version, diff, note FROM audit WHERE group_id = ? ORDER BY seq");
    q.bind(1, id);
    std::vector<HistoryEntry> out;
    while (q.executeStep()) {
      HistoryEntry e;
      e.set_seq(q.getColumn(0).getInt64());
      e.set_action(q.getColumn(1).getString());
      e.set_actor(q.getColumn(2).getString());
      e.set_at(q.getColumn(3).getString());
      e.set_version(q.getColumn(4).getInt());
      for (auto& c : model::DiffFromJson(nlohmann::json::parse(q.getColumn(5).getString(), nullptr, false)))
        *e.add_changes() = std::move(c);
      e.set_note(q.getColumn(6).getString());
      out.push_back(std::move(e));
    }
    return out;
  });
}

StatusOr<std::vector<Group>> RegistryStore::Stale(const std::string& before_date, int limit) {
  return impl_->Guarded("stale", [&]() -> StatusOr<std::vector<Group>> {
    SQLite::Statement q(*impl_->db,
                        "SELECT doc FROM groups WHERE status = 'published' AND verified_at < ? "
                        "ORDER BY verified_at, id LIMIT ?");
    q.bind(1, before_date);
    q.bind(2, limit > 0 ? std::min(limit, limits::kMaxStaleGroups) : limits::kMaxStaleGroups);
    std::vector<Group> out;
    while (q.executeStep()) {
      Group g;
      if (ParseStoredJson(q.getColumn(0).getString(), &g)) out.push_back(std::move(g));
    }
    return out;
  });
}

StatusOr<Group> RegistryStore::Verify(const std::string& id, const std::string& date, const Actor& actor) {
  return impl_->Guarded("verify", [&]() -> StatusOr<Group> {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    Group g = *stored;
    g.set_verified_at(date);
    return impl_->UpdateLocked(std::move(g), 0, actor, "verify");
  });
}

}  // namespace ibasho::storage
