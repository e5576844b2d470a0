#include "storage/registry_store.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <google/protobuf/util/json_util.h>

#include "common/clock.h"
#include "storage/group_validator.h"

namespace ibasho::storage {
namespace {

using registry::v1::Change;
using registry::v1::ChangeEvent;
using registry::v1::Group;

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
  };
  return kMigrations;
}

std::string ToJson(const Group& g) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(g, &out, opts);
  return out;
}

bool FromJson(const std::string& json, Group* g) {
  return google::protobuf::util::JsonStringToMessage(json, g).ok();
}

std::string RandomId(const char* prefix) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%012llx", prefix,
                static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}

// Content equality, ignoring what the store itself maintains.
bool SameContent(Group a, Group b) {
  for (Group* g : {&a, &b}) {
    g->set_version(0);
    g->clear_created_at();
    g->clear_updated_at();
  }
  return ToJson(a) == ToJson(b);
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

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

struct RegistryStore::Impl {
  RegistryStoreOptions options;
  std::unique_ptr<SQLite::Database> db;
  mutable std::mutex mu;  // guards db
  std::atomic<int64_t> latest_seq{0};
  mutable std::mutex wait_mu;
  mutable std::condition_variable changed;

  Status Migrate() {
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
      ins.bind(2, NowRfc3339());
      ins.exec();
      tx.commit();
    }
    return Status::Ok();
  }

  StatusOr<Group> Load(const std::string& id) {
    SQLite::Statement q(*db, "SELECT doc FROM groups WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " not found");
    Group g;
    if (!FromJson(q.getColumn(0).getString(), &g)) return Internal("stored group " + id + " is unreadable");
    return g;
  }

  // Writes the group row and its change row in one transaction. Caller holds mu.
  StatusOr<Group> Write(Group g, bool insert, const char* op) {
    SQLite::Transaction tx(*db);
    std::string doc = ToJson(g);
    if (insert) {
      SQLite::Statement ins(*db,
                            "INSERT INTO groups(id, name, status, source, external_id, version, doc, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ins.bind(1, g.id());
      ins.bind(2, g.name());
      ins.bind(3, g.status());
      ins.bind(4, g.source());
      ins.bind(5, g.external_id());
      ins.bind(6, g.version());
      ins.bind(7, doc);
      ins.bind(8, g.created_at());
      ins.bind(9, g.updated_at());
      ins.exec();
    } else {
      SQLite::Statement upd(*db,
                            "UPDATE groups SET name = ?, status = ?, source = ?, external_id = ?, version = ?, "
                            "doc = ?, updated_at = ? WHERE id = ?");
      upd.bind(1, g.name());
      upd.bind(2, g.status());
      upd.bind(3, g.source());
      upd.bind(4, g.external_id());
      upd.bind(5, g.version());
      upd.bind(6, doc);
      upd.bind(7, g.updated_at());
      upd.bind(8, g.id());
      upd.exec();
    }
    if (options.before_outbox_write) {
      Status s = options.before_outbox_write("outbox");
      if (!s.ok()) return s;  // tx rolls back when destroyed
    }
    SQLite::Statement ch(*db, "INSERT INTO changes(group_id, op, version, changed_at) VALUES (?, ?, ?, ?)");
    ch.bind(1, g.id());
    ch.bind(2, op);
    ch.bind(3, g.version());
    ch.bind(4, g.updated_at());
    ch.exec();
    int64_t seq = db->getLastInsertRowid();
    tx.commit();
    {
      std::lock_guard<std::mutex> lock(wait_mu);
      latest_seq.store(seq);
    }
    changed.notify_all();
    return g;
  }
};

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
    Status s = impl->Migrate();
    if (!s.ok()) return s;
    impl->latest_seq = impl->db->execAndGet("SELECT COALESCE(MAX(seq), 0) FROM changes").getInt64();
    return std::unique_ptr<RegistryStore>(new RegistryStore(std::move(impl)));
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, std::string("cannot open registry database: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::Create(Group g) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    if (g.id().empty()) g.set_id(RandomId("g_"));
    if (impl_->Load(g.id()).ok()) return Status(StatusCode::kAlreadyExists, "group " + g.id() + " already exists", "id");
    if (!g.external_id().empty()) {
      SQLite::Statement q(*impl_->db, "SELECT id FROM groups WHERE source = ? AND external_id = ?");
      q.bind(1, g.source());
      q.bind(2, g.external_id());
      if (q.executeStep())
        return Status(StatusCode::kAlreadyExists,
                      "source " + g.source() + " already has external_id " + g.external_id(), "external_id");
    }
    AssignActivityIds(&g, nullptr);
    g.set_version(1);
    std::string now = NowRfc3339();
    g.set_created_at(now);
    g.set_updated_at(now);
    return impl_->Write(std::move(g), /*insert=*/true, g.status() == "archived" ? "delete" : "upsert");
  } catch (const std::exception& e) {
    return Internal(std::string("create failed: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    return impl_->Load(id);
  } catch (const std::exception& e) {
    return Internal(std::string("read failed: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::GetByExternalId(const std::string& source, const std::string& external_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db, "SELECT id FROM groups WHERE source = ? AND external_id = ?");
    q.bind(1, source);
    q.bind(2, external_id);
    if (!q.executeStep()) return NotFound("no group with source " + source + " and external_id " + external_id);
    return impl_->Load(q.getColumn(0).getString());
  } catch (const std::exception& e) {
    return Internal(std::string("read failed: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::Update(Group g, int expected_version) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    auto stored = impl_->Load(g.id());
    if (!stored.ok()) return stored.status();
    if (expected_version > 0 && stored->version() != expected_version)
      return Status(StatusCode::kFailedPrecondition,
                    "version mismatch: stored version is " + std::to_string(stored->version()), "version");
    if (g.source() != stored->source() || g.external_id() != stored->external_id()) {
      if (!g.external_id().empty()) {
        SQLite::Statement q(*impl_->db, "SELECT id FROM groups WHERE source = ? AND external_id = ? AND id <> ?");
        q.bind(1, g.source());
        q.bind(2, g.external_id());
        q.bind(3, g.id());
        if (q.executeStep())
          return Status(StatusCode::kAlreadyExists, "external_id is used by another group", "external_id");
      }
    }
    AssignActivityIds(&g, &stored.value());
    g.set_created_at(stored->created_at());
    if (SameContent(g, *stored)) return std::move(stored).value();
    g.set_version(stored->version() + 1);
    g.set_updated_at(NowRfc3339());
    const char* op = g.status() == "archived" ? "delete" : "upsert";
    return impl_->Write(std::move(g), /*insert=*/false, op);
  } catch (const std::exception& e) {
    return Internal(std::string("update failed: ") + e.what());
  }
}

StatusOr<Group> RegistryStore::Archive(const std::string& id, int expected_version) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    if (expected_version > 0 && stored->version() != expected_version)
      return Status(StatusCode::kFailedPrecondition,
                    "version mismatch: stored version is " + std::to_string(stored->version()), "version");
    if (stored->status() == "archived") return std::move(stored).value();
    Group g = std::move(stored).value();
    g.set_status("archived");
    g.set_version(g.version() + 1);
    g.set_updated_at(NowRfc3339());
    return impl_->Write(std::move(g), /*insert=*/false, "delete");
  } catch (const std::exception& e) {
    return Internal(std::string("archive failed: ") + e.what());
  }
}

StatusOr<GroupPage> RegistryStore::List(int page_size, const std::string& page_token) {
  if (page_size <= 0) page_size = 50;
  if (page_size > 500) page_size = 500;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db, "SELECT doc FROM groups WHERE id > ? ORDER BY id LIMIT ?");
    q.bind(1, page_token);
    q.bind(2, page_size + 1);
    GroupPage page;
    while (q.executeStep()) {
      Group g;
      if (!FromJson(q.getColumn(0).getString(), &g)) return Internal("stored group is unreadable");
      page.groups.push_back(std::move(g));
    }
    if (static_cast<int>(page.groups.size()) > page_size) {
      page.groups.pop_back();
      page.next_page_token = page.groups.back().id();
    }
    return page;
  } catch (const std::exception& e) {
    return Internal(std::string("list failed: ") + e.what());
  }
}

StatusOr<std::pair<Group, RegistryStore::UpsertResult>> RegistryStore::Upsert(const std::string& source,
                                                                               const std::string& external_id,
                                                                               Group g, int expected_version) {
  if (source.empty()) return InvalidArgument("source is required", "source");
  if (external_id.empty()) return InvalidArgument("external_id is required", "external_id");
  g.set_source(source);
  g.set_external_id(external_id);
  auto existing = GetByExternalId(source, external_id);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
  if (!existing.ok()) {
    g.clear_id();
    auto created = Create(std::move(g));
    if (!created.ok()) return created.status();
    return std::make_pair(std::move(created).value(), UpsertResult::kCreated);
  }
  g.set_id(existing->id());
  auto updated = Update(std::move(g), expected_version);
  if (!updated.ok()) return updated.status();
  UpsertResult result = updated->version() == existing->version() ? UpsertResult::kUnchanged : UpsertResult::kUpdated;
  return std::make_pair(std::move(updated).value(), result);
}

StatusOr<std::vector<ChangeEvent>> RegistryStore::ChangesAfter(int64_t after, int limit, bool with_groups) {
  if (limit <= 0) limit = 100;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
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
      c->set_op(q.getColumn(2).getString());
      c->set_version(q.getColumn(3).getInt());
      c->set_changed_at(q.getColumn(4).getString());
      if (with_groups && c->op() == "upsert" && !FromJson(q.getColumn(5).getString(), ev.mutable_group()))
        return Internal("stored group " + c->group_id() + " is unreadable");
      out.push_back(std::move(ev));
    }
    snapshot.commit();
    return out;
  } catch (const std::exception& e) {
    return Internal(std::string("reading changes failed: ") + e.what());
  }
}

int64_t RegistryStore::LatestSeq() const { return impl_->latest_seq.load(); }

bool RegistryStore::WaitForChangeAfter(int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->wait_mu);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->latest_seq.load() > after; });
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
