#include <SQLiteCpp/SQLiteCpp.h>

#include <set>

#include "common/crypto.h"
#include "common/limits.h"
#include "model/group_diff.h"
#include "model/group_validator.h"
#include "model/json_mapping.h"
#include "storage/registry_store.h"
#include "storage/store_impl.h"

namespace ibasho::storage {
namespace {

using model::ApplyDefaults;
using model::DiffGroups;
using model::SameContent;
using model::ValidateGroup;
using registry::v1::Change;
using registry::v1::ChangeEvent;
using registry::v1::FieldChange;
using registry::v1::Group;
using registry::v1::HistoryEntry;

// Versioned schema. Append new migrations; never edit an applied one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: groups as documents, and the outbox.
      R"sql(
      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        external_id TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX groups_by_external_id ON groups(source, external_id) WHERE external_id <> '';
      CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id TEXT NOT NULL REFERENCES groups(id),
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        version INTEGER NOT NULL,
        changed_at TEXT NOT NULL
      );
      CREATE INDEX changes_by_group ON changes(group_id);
      )sql",
      // 2: audit log, review queue, tokens, feed retention, verification dates.
      R"sql(
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id TEXT NOT NULL REFERENCES groups(id),
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        version INTEGER NOT NULL,
        diff TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX audit_by_group ON audit(group_id, seq);
      CREATE TABLE pending_revisions (
        group_id TEXT PRIMARY KEY REFERENCES groups(id),
        doc TEXT NOT NULL,
        base_version INTEGER NOT NULL,
        submitted_by TEXT NOT NULL,
        submitted_at TEXT NOT NULL
      );
      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        secret_sha256 TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'partner')),
        groups TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        revoked_at TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE feed_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO feed_state(key, value) VALUES ('compacted_through', 0);
      ALTER TABLE groups ADD COLUMN verified_at TEXT NOT NULL DEFAULT '';
      )sql",
  };
  return kMigrations;
}

// Keeps activity ids stable: an incoming activity keeps its id when the stored group has it, or
// takes the id of the stored activity with the same title; anything else gets a fresh id.
void AssignActivityIds(Group* incoming, const Group* stored) {
  std::set<std::string> stored_ids, used;
  if (stored)
    for (const auto& a : stored->activities()) stored_ids.insert(a.id());
  for (auto& a : *incoming->mutable_activities()) {
    if (!a.id().empty() && stored_ids.count(a.id()) && !used.count(a.id())) {
      used.insert(a.id());
      continue;
    }
    a.clear_id();
    if (stored) {
      for (const auto& s : stored->activities()) {
        if (s.title() == a.title() && !used.count(s.id())) {
          a.set_id(s.id());
          break;
        }
      }
    }
    if (a.id().empty()) a.set_id(RandomId("a_"));
    used.insert(a.id());
  }
}

}  // namespace

std::string ActorLabel(const Actor& a) {
  if (a.id.empty() && a.name.empty()) return "system";
  if (a.name.empty()) return a.id;
  return a.name + " (" + a.id + ")";
}

const char* FeedOpFor(const Group& group) {
  return group.status() == registry::v1::LISTING_STATUS_ARCHIVED ? "delete" : "upsert";
}

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

SQLite::Statement& RegistryStore::Impl::Stmt(const std::string& sql) {
  auto& st = statements[sql];
  if (!st) {
    st = std::make_unique<SQLite::Statement>(*db, sql);
  } else {
    st->reset();
    st->clearBindings();
  }
  return *st;
}

Status RegistryStore::Impl::Migrate() {
  db->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  int current = db->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
  const auto& migrations = Migrations();
  if (current > static_cast<int>(migrations.size()))
    return Status(StatusCode::kFailedPrecondition,
                  "database schema v" + std::to_string(current) + " is newer than this build");
  for (int v = current + 1; v <= static_cast<int>(migrations.size()); ++v) {
    SQLite::Transaction tx(*db);
    db->exec(migrations[v - 1]);
    SQLite::Statement ins(*db, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
    ins.bind(1, v);
    ins.bind(2, Now());
    ins.exec();
    tx.commit();
  }
  return Status::Ok();
}

StatusOr<Group> RegistryStore::Impl::Load(const std::string& id) {
  auto& q = Stmt("SELECT doc FROM groups WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return NotFound("group " + id + " not found");
  Group g;
  bool readable = ParseStoredJson(q.getColumn(0).getString(), &g);
  q.reset();
  if (!readable) return Internal("stored group " + id + " is unreadable");
  return g;
}

StatusOr<Group> RegistryStore::Impl::LoadByExternalId(const std::string& source, const std::string& external_id) {
  auto& q = Stmt("SELECT id FROM groups WHERE source = ? AND external_id = ? AND external_id <> ''");
  q.bind(1, source);
  q.bind(2, external_id);
  if (!q.executeStep()) return NotFound("no group with source " + source + " and external_id " + external_id);
  std::string id = q.getColumn(0).getString();
  q.reset();
  return Load(id);
}

StatusOr<Group> RegistryStore::Impl::Write(Group g, const Group* before, const char* op, const char* action,
                                           const Actor& actor, const std::function<void()>& extra) {
  SQLite::Transaction tx(*db);
  std::string doc = ToStoredJson(g);
  if (!before) {
    auto& ins = Stmt(
        "INSERT INTO groups(id, name, status, source, external_id, version, doc, created_at, updated_at, "
        "verified_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, g.id());
    ins.bind(2, g.name());
    ins.bind(3, EnumWord(g.status()));
    ins.bind(4, g.source());
    ins.bind(5, g.external_id());
    ins.bind(6, g.version());
    ins.bind(7, doc);
    ins.bind(8, g.created_at());
    ins.bind(9, g.updated_at());
    ins.bind(10, g.verified_at());
    ins.exec();
  } else {
    auto& upd = Stmt(
        "UPDATE groups SET name = ?, status = ?, source = ?, external_id = ?, version = ?, doc = ?, updated_at = ?, "
        "verified_at = ? WHERE id = ?");
    upd.bind(1, g.name());
    upd.bind(2, EnumWord(g.status()));
    upd.bind(3, g.source());
    upd.bind(4, g.external_id());
    upd.bind(5, g.version());
    upd.bind(6, doc);
    upd.bind(7, g.updated_at());
    upd.bind(8, g.verified_at());
    upd.bind(9, g.id());
    upd.exec();
  }
  if (options.before_outbox_write) {
    Status s = options.before_outbox_write("outbox");
    if (!s.ok()) return s;  // tx rolls back when destroyed
  }
  auto& ch = Stmt("INSERT INTO changes(group_id, op, version, changed_at) VALUES (?, ?, ?, ?)");
  ch.bind(1, g.id());
  ch.bind(2, op);
  ch.bind(3, g.version());
  ch.bind(4, g.updated_at());
  ch.exec();
  int64_t seq = db->getLastInsertRowid();
  // A creation's record is the created version itself; later changes record field-level diffs.
  Audit(g.id(), action, actor, g.version(), before ? DiffGroups(*before, g) : std::vector<FieldChange>(), "");
  if (extra) extra();
  tx.commit();
  {
    std::lock_guard<std::mutex> lock(wait_mu);
    latest_seq.store(seq);
  }
  changed.notify_all();
  return g;
}

Status RegistryStore::Impl::PrepareUpdate(Group* g, const Group& stored, int expected_version) {
  if (expected_version > 0 && stored.version() != expected_version)
    return Status(StatusCode::kFailedPrecondition,
                  "version mismatch: stored version is " + std::to_string(stored.version()), "version");
  if ((g->source() != stored.source() || g->external_id() != stored.external_id()) && !g->external_id().empty()) {
    SQLite::Statement q(*db,
                        "SELECT id FROM groups WHERE source = ? AND external_id = ? AND external_id <> '' AND id <> ?");
    q.bind(1, g->source());
    q.bind(2, g->external_id());
    q.bind(3, g->id());
    if (q.executeStep())
      return Status(StatusCode::kAlreadyExists, "external_id is used by another group", "external_id");
  }
  AssignActivityIds(g, &stored);
  g->set_created_at(stored.created_at());
  return Status::Ok();
}

Status RegistryStore::Impl::PrepareCreate(Group* g) {
  if (g->id().empty()) g->set_id(RandomId("g_"));
  if (Load(g->id()).ok()) return Status(StatusCode::kAlreadyExists, "group " + g->id() + " already exists", "id");
  if (!g->external_id().empty() && LoadByExternalId(g->source(), g->external_id()).ok())
    return Status(StatusCode::kAlreadyExists, "source " + g->source() + " already has external_id " + g->external_id(),
                  "external_id");
  AssignActivityIds(g, nullptr);
  g->set_version(1);
  std::string now = Now();
  g->set_created_at(now);
  g->set_updated_at(now);
  return Status::Ok();
}

StatusOr<Group> RegistryStore::Impl::UpdateLocked(Group g, int expected_version, const Actor& actor,
                                                  const char* action) {
  auto stored = Load(g.id());
  if (!stored.ok()) return stored.status();
  Status s = PrepareUpdate(&g, *stored, expected_version);
  if (!s.ok()) return s;
  if (SameContent(g, *stored)) return std::move(stored).value();
  g.set_version(stored->version() + 1);
  g.set_updated_at(Now());
  const char* op = FeedOpFor(g);
  return Write(std::move(g), &stored.value(), op, action, actor);
}

RegistryStore::RegistryStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryStore::~RegistryStore() = default;

StatusOr<std::unique_ptr<RegistryStore>> RegistryStore::Open(RegistryStoreOptions options) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->options = std::move(options);
    impl->db = std::make_unique<SQLite::Database>(impl->options.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                  impl->options.busy_timeout_ms);
    impl->db->exec("PRAGMA journal_mode = WAL");
    impl->db->exec("PRAGMA synchronous = NORMAL");
    impl->db->exec("PRAGMA foreign_keys = ON");
    impl->db->exec("PRAGMA cache_size = " + std::to_string(-1024 * std::max(1, impl->options.cache_mib)));
    Status s = impl->Migrate();
    if (!s.ok()) return s;
    impl->latest_seq = impl->db->execAndGet("SELECT COALESCE(MAX(seq), 0) FROM changes").getInt64();
    impl->compacted_through =
        impl->db->execAndGet("SELECT value FROM feed_state WHERE key = 'compacted_through'").getInt64();
    return std::unique_ptr<RegistryStore>(new RegistryStore(std::move(impl)));
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, std::string("cannot open registry database: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::Create(Group g, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  return impl_->Guarded("create", [&]() -> StatusOr<Group> {
    Status s = impl_->PrepareCreate(&g);
    if (!s.ok()) return s;
    const char* op = FeedOpFor(g);
    return impl_->Write(std::move(g), nullptr, op, "create", actor);
  });
}

StatusOr<Group> RegistryStore::Get(const std::string& id) {
  return impl_->Guarded("read", [&]() -> StatusOr<Group> { return impl_->Load(id); });
}

StatusOr<Group> RegistryStore::GetByExternalId(const std::string& source, const std::string& external_id) {
  return impl_->Guarded("read", [&]() -> StatusOr<Group> { return impl_->LoadByExternalId(source, external_id); });
}

StatusOr<Group> RegistryStore::Update(Group g, int expected_version, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  return impl_->Guarded(
      "update", [&]() -> StatusOr<Group> { return impl_->UpdateLocked(std::move(g), expected_version, actor); });
}

StatusOr<Group> RegistryStore::Archive(const std::string& id, int expected_version, const Actor& actor) {
  return impl_->Guarded("archive", [&]() -> StatusOr<Group> {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    if (expected_version > 0 && stored->version() != expected_version)
      return Status(StatusCode::kFailedPrecondition,
                    "version mismatch: stored version is " + std::to_string(stored->version()), "version");
    if (stored->status() == registry::v1::LISTING_STATUS_ARCHIVED) return std::move(stored).value();
    Group g = *stored;
    g.set_status(registry::v1::LISTING_STATUS_ARCHIVED);
    g.set_version(g.version() + 1);
    g.set_updated_at(impl_->Now());
    return impl_->Write(std::move(g), &stored.value(), "delete", "archive", actor);
  });
}

StatusOr<GroupPage> RegistryStore::List(int page_size, const std::string& page_token, const GroupFilter& filter,
                                        int offset, int64_t* total) {
  if (page_size <= 0) page_size = limits::kDefaultGroupsPageSize;
  if (page_size > limits::kMaxGroupsPageSize) page_size = limits::kMaxGroupsPageSize;
  return impl_->Guarded("list", [&]() -> StatusOr<GroupPage> {
    // A token is the last id of the previous page; groups are archived, never removed, so it exists.
    if (!page_token.empty() && (page_token.size() > limits::kMaxIdBytes || !impl_->Load(page_token).ok()))
      return InvalidArgument("page_token is not one this service issued", "page_token");
    // ?5: published only; ?6: a LIKE pattern for the name ('' matches all).
    constexpr char kWhere[] =
        " FROM groups WHERE id > ?1 AND (?2 = '' OR source = ?2) AND (?3 = '' OR updated_at >= ?3) AND "
        "(?5 = 0 OR status = 'published') AND (?6 = '' OR name LIKE ?6 ESCAPE '\\')";
    std::string like;
    if (!filter.name_contains.empty()) {
      like = "%";
      for (char c : filter.name_contains) {
        if (c == '%' || c == '_' || c == '\\') like += '\\';
        like += c;
      }
      like += "%";
    }
    auto bind = [&](SQLite::Statement& st) {
      st.bind(1, page_token);
      st.bind(2, filter.source);
      st.bind(3, filter.modified_after);
      st.bind(5, filter.published_only ? 1 : 0);
      st.bind(6, like);
    };
    if (total) {
      SQLite::Statement count(*impl_->db, std::string("SELECT COUNT(*)") + kWhere);
      bind(count);
      count.executeStep();
      *total = count.getColumn(0).getInt64();
    }
    SQLite::Statement q(*impl_->db, std::string("SELECT doc") + kWhere + " ORDER BY id LIMIT ?4 OFFSET ?7");
    bind(q);
    q.bind(4, page_size + 1);
    q.bind(7, offset);
    GroupPage page;
    page.feed_cursor = impl_->latest_seq.load();
    while (q.executeStep()) {
      Group g;
      if (!ParseStoredJson(q.getColumn(0).getString(), &g)) return Internal("stored group is unreadable");
      page.groups.push_back(std::move(g));
    }
    if (static_cast<int>(page.groups.size()) > page_size) {
      page.groups.pop_back();
      page.next_page_token = page.groups.back().id();
    }
    return page;
  });
}

StatusOr<std::pair<Group, RegistryStore::UpsertResult>> RegistryStore::Upsert(const std::string& source,
                                                                              const std::string& external_id, Group g,
                                                                              int expected_version, const Actor& actor,
                                                                              bool dry_run,
                                                                              std::vector<FieldChange>* diff) {
  if (source.empty()) return InvalidArgument("source is required", "source");
  if (external_id.empty()) return InvalidArgument("external_id is required", "external_id");
  g.set_source(source);
  g.set_external_id(external_id);
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  return impl_->Guarded("upsert", [&]() -> StatusOr<std::pair<Group, UpsertResult>> {
    auto existing = impl_->LoadByExternalId(source, external_id);
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
    if (!existing.ok()) {
      g.clear_id();
      if (dry_run) {
        if (diff) *diff = DiffGroups(Group(), g);
        return std::make_pair(std::move(g), UpsertResult::kCreated);
      }
      Status s = impl_->PrepareCreate(&g);
      if (!s.ok()) return s;
      auto created = impl_->Write(std::move(g), nullptr, "upsert", "create", actor);
      if (!created.ok()) return created.status();
      return std::make_pair(std::move(created).value(), UpsertResult::kCreated);
    }
    g.set_id(existing->id());
    if (dry_run) {
      Status s = impl_->PrepareUpdate(&g, *existing, expected_version);
      if (!s.ok()) return s;
      auto changes = DiffGroups(*existing, g);
      bool same = changes.empty();
      if (diff) *diff = std::move(changes);
      return std::make_pair(same ? *existing : g, same ? UpsertResult::kUnchanged : UpsertResult::kUpdated);
    }
    auto updated = impl_->UpdateLocked(std::move(g), expected_version, actor);
    if (!updated.ok()) return updated.status();
    UpsertResult result = updated->version() == existing->version() ? UpsertResult::kUnchanged : UpsertResult::kUpdated;
    if (diff && result == UpsertResult::kUpdated) *diff = DiffGroups(*existing, *updated);
    return std::make_pair(std::move(updated).value(), result);
  });
}

int RegistryStore::SchemaVersion() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    return impl_->db->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace ibasho::storage
