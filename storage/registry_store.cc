#include "storage/registry_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "common/clock.h"
#include "model/group_validator.h"

namespace ibasho::storage {

using model::ApplyDefaults;
using model::ValidateGroup;
namespace {

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

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
  return out;
}

bool FromJson(const std::string& json, google::protobuf::Message* m) {
  return google::protobuf::util::JsonStringToMessage(json, m).ok();
}

std::string RandomHex(size_t bytes) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xff);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string RandomId(const char* prefix) { return prefix + RandomHex(6); }

std::string Sha256Hex(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Content equality, ignoring what the store itself maintains.
Group WithoutBookkeeping(Group g) {
  g.set_version(0);
  g.clear_created_at();
  g.clear_updated_at();
  return g;
}
bool SameContent(const Group& a, const Group& b) {
  return ToJson(WithoutBookkeeping(a)) == ToJson(WithoutBookkeeping(b));
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

void Flatten(const nlohmann::json& j, const std::string& path, std::map<std::string, std::string>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Flatten(j[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    (*out)[path] = j.dump();
  }
}

std::string ActorLabel(const Actor& a) {
  if (a.id.empty() && a.name.empty()) return "system";
  if (a.name.empty()) return a.id;
  return a.name + " (" + a.id + ")";
}

std::string DiffJson(const std::vector<FieldChange>& diff) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : diff) j.push_back({{"path", c.path()}, {"before", c.before()}, {"after", c.after()}});
  return j.dump();
}

}  // namespace

std::vector<FieldChange> DiffGroups(const Group& before, const Group& after) {
  std::map<std::string, std::string> a, b;
  Flatten(nlohmann::json::parse(ToJson(WithoutBookkeeping(before))), "", &a);
  Flatten(nlohmann::json::parse(ToJson(WithoutBookkeeping(after))), "", &b);
  std::vector<FieldChange> out;
  std::set<std::string> paths;
  for (const auto& [k, v] : a) paths.insert(k);
  for (const auto& [k, v] : b) paths.insert(k);
  for (const auto& p : paths) {
    auto ia = a.find(p), ib = b.find(p);
    std::string va = ia == a.end() ? "" : ia->second, vb = ib == b.end() ? "" : ib->second;
    if (va == vb) continue;
    FieldChange c;
    c.set_path(p);
    c.set_before(va);
    c.set_after(vb);
    out.push_back(std::move(c));
  }
  return out;
}

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

struct RegistryStore::Impl {
  RegistryStoreOptions options;
  std::unique_ptr<SQLite::Database> db;
  mutable std::mutex mu;  // guards db
  std::atomic<int64_t> latest_seq{0};
  std::atomic<int64_t> compacted_through{0};
  mutable std::mutex wait_mu;
  mutable std::condition_variable changed;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements;  // prepared once; guarded by mu

  // A cached prepared statement, reset and unbound. Caller holds mu.
  SQLite::Statement& Stmt(const std::string& sql) {
    auto& st = statements[sql];
    if (!st) {
      st = std::make_unique<SQLite::Statement>(*db, sql);
    } else {
      st->reset();
      st->clearBindings();
    }
    return *st;
  }

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
    auto& q = Stmt("SELECT doc FROM groups WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " not found");
    Group g;
    bool readable = FromJson(q.getColumn(0).getString(), &g);
    q.reset();
    if (!readable) return Internal("stored group " + id + " is unreadable");
    return g;
  }

  StatusOr<Group> LoadByExternalId(const std::string& source, const std::string& external_id) {
    auto& q = Stmt("SELECT id FROM groups WHERE source = ? AND external_id = ? AND external_id <> ''");
    q.bind(1, source);
    q.bind(2, external_id);
    if (!q.executeStep()) return NotFound("no group with source " + source + " and external_id " + external_id);
    std::string id = q.getColumn(0).getString();
    q.reset();
    return Load(id);
  }

  void Audit(const std::string& group_id, const std::string& action, const Actor& actor, int version,
             const std::vector<FieldChange>& diff, const std::string& note) {
    auto& a = Stmt("INSERT INTO audit(group_id, action, actor, at, version, diff, note) VALUES (?, ?, ?, ?, ?, ?, ?)");
    a.bind(1, group_id);
    a.bind(2, action);
    a.bind(3, ActorLabel(actor));
    a.bind(4, NowRfc3339());
    a.bind(5, version);
    a.bind(6, DiffJson(diff));
    a.bind(7, note);
    a.exec();
  }

  // Writes the group row, its change row and its audit entry in one transaction. Caller holds mu
  // (and may pass an open transaction's work through extra, run before the commit).
  StatusOr<Group> Write(Group g, const Group* before, const char* op, const char* action, const Actor& actor,
                        const std::function<void()>& extra = nullptr) {
    SQLite::Transaction tx(*db);
    std::string doc = ToJson(g);
    if (!before) {
      auto& ins = Stmt(
          "INSERT INTO groups(id, name, status, source, external_id, version, doc, created_at, updated_at, "
          "verified_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ins.bind(1, g.id());
      ins.bind(2, g.name());
      ins.bind(3, g.status());
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
      upd.bind(2, g.status());
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

  // Checks and stamps a replacement of stored by g. Caller holds mu.
  Status PrepareUpdate(Group* g, const Group& stored, int expected_version) {
    if (expected_version > 0 && stored.version() != expected_version)
      return Status(StatusCode::kFailedPrecondition,
                    "version mismatch: stored version is " + std::to_string(stored.version()), "version");
    if ((g->source() != stored.source() || g->external_id() != stored.external_id()) && !g->external_id().empty()) {
      SQLite::Statement q(
          *db, "SELECT id FROM groups WHERE source = ? AND external_id = ? AND external_id <> '' AND id <> ?");
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

  Status PrepareCreate(Group* g) {
    if (g->id().empty()) g->set_id(RandomId("g_"));
    if (Load(g->id()).ok()) return Status(StatusCode::kAlreadyExists, "group " + g->id() + " already exists", "id");
    if (!g->external_id().empty() && LoadByExternalId(g->source(), g->external_id()).ok())
      return Status(StatusCode::kAlreadyExists,
                    "source " + g->source() + " already has external_id " + g->external_id(), "external_id");
    AssignActivityIds(g, nullptr);
    g->set_version(1);
    std::string now = NowRfc3339();
    g->set_created_at(now);
    g->set_updated_at(now);
    return Status::Ok();
  }

  StatusOr<Group> UpdateLocked(Group g, int expected_version, const Actor& actor, const char* action = "update") {
    auto stored = Load(g.id());
    if (!stored.ok()) return stored.status();
    Status s = PrepareUpdate(&g, *stored, expected_version);
    if (!s.ok()) return s;
    if (SameContent(g, *stored)) return std::move(stored).value();
    g.set_version(stored->version() + 1);
    g.set_updated_at(NowRfc3339());
    const char* op = g.status() == "archived" ? "delete" : "upsert";
    return Write(std::move(g), &stored.value(), op, action, actor);
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
    impl->db->exec("PRAGMA cache_size = -65536");     // 64 MiB of page cache
    impl->db->exec("PRAGMA mmap_size = 1073741824");  // read pages straight from the mapping
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

namespace {
// SQLiteCpp throws; every public method turns that into a Status here.
Status Failed(const char* operation, const std::exception& e) {
  return Internal(std::string(operation) + " failed: " + e.what());
}
}  // namespace

StatusOr<Group> RegistryStore::Create(Group g, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    Status s = impl_->PrepareCreate(&g);
    if (!s.ok()) return s;
    const char* op = g.status() == "archived" ? "delete" : "upsert";
    return impl_->Write(std::move(g), nullptr, op, "create", actor);
  } catch (const std::exception& e) {
    return Failed("create", e);
  }
}

StatusOr<Group> RegistryStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    return impl_->Load(id);
  } catch (const std::exception& e) {
    return Failed("read", e);
  }
}

StatusOr<Group> RegistryStore::GetByExternalId(const std::string& source, const std::string& external_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    return impl_->LoadByExternalId(source, external_id);
  } catch (const std::exception& e) {
    return Failed("read", e);
  }
}

StatusOr<Group> RegistryStore::Update(Group g, int expected_version, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    return impl_->UpdateLocked(std::move(g), expected_version, actor);
  } catch (const std::exception& e) {
    return Failed("update", e);
  }
}

StatusOr<Group> RegistryStore::Archive(const std::string& id, int expected_version, const Actor& actor) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    if (expected_version > 0 && stored->version() != expected_version)
      return Status(StatusCode::kFailedPrecondition,
                    "version mismatch: stored version is " + std::to_string(stored->version()), "version");
    if (stored->status() == "archived") return std::move(stored).value();
    Group g = *stored;
    g.set_status("archived");
    g.set_version(g.version() + 1);
    g.set_updated_at(NowRfc3339());
    return impl_->Write(std::move(g), &stored.value(), "delete", "archive", actor);
  } catch (const std::exception& e) {
    return Failed("archive", e);
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
    page.feed_cursor = impl_->latest_seq.load();
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
    return Failed("list", e);
  }
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
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
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
  } catch (const std::exception& e) {
    return Failed("upsert", e);
  }
}

StatusOr<Group> RegistryStore::SubmitRevision(Group g, int expected_version, const Actor& actor) {
  ApplyDefaults(&g);
  Status valid = ValidateGroup(g);
  if (!valid.ok()) return valid;
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
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
    put.bind(2, ToJson(g));
    put.bind(3, stored->version());
    put.bind(4, ActorLabel(actor));
    put.bind(5, NowRfc3339());
    put.exec();
    impl_->Audit(g.id(), "submit", actor, stored->version(), DiffGroups(*stored, g), "pending review");
    tx.commit();
    return g;
  } catch (const std::exception& e) {
    return Failed("submit", e);
  }
}

StatusOr<Group> RegistryStore::PendingRevision(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db, "SELECT doc FROM pending_revisions WHERE group_id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " has no change waiting for review");
    Group g;
    if (!FromJson(q.getColumn(0).getString(), &g)) return Internal("pending revision is unreadable");
    return g;
  } catch (const std::exception& e) {
    return Failed("read", e);
  }
}

StatusOr<Group> RegistryStore::PublishRevision(const std::string& id, const Actor& actor) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db, "SELECT doc, base_version FROM pending_revisions WHERE group_id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return NotFound("group " + id + " has no change waiting for review");
    Group g;
    if (!FromJson(q.getColumn(0).getString(), &g)) return Internal("pending revision is unreadable");
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
    g.set_updated_at(NowRfc3339());
    const char* op = g.status() == "archived" ? "delete" : "upsert";
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
  } catch (const std::exception& e) {
    return Failed("publish", e);
  }
}

Status RegistryStore::RejectRevision(const std::string& id, const std::string& reason, const Actor& actor) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    SQLite::Transaction tx(*impl_->db);
    SQLite::Statement del(*impl_->db, "DELETE FROM pending_revisions WHERE group_id = ?");
    del.bind(1, id);
    if (del.exec() == 0) return NotFound("group " + id + " has no change waiting for review");
    impl_->Audit(id, "reject", actor, stored->version(), {}, reason);
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed("reject", e);
  }
}

StatusOr<std::vector<HistoryEntry>> RegistryStore::History(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
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
      for (const auto& c : nlohmann::json::parse(q.getColumn(5).getString())) {
        auto* fc = e.add_changes();
        fc->set_path(c["path"]);
        fc->set_before(c["before"]);
        fc->set_after(c["after"]);
      }
      e.set_note(q.getColumn(6).getString());
      out.push_back(std::move(e));
    }
    return out;
  } catch (const std::exception& e) {
    return Failed("history", e);
  }
}

StatusOr<std::vector<Group>> RegistryStore::Stale(const std::string& before_date, int limit) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db,
                        "SELECT doc FROM groups WHERE status = 'published' AND verified_at < ? "
                        "ORDER BY verified_at, id LIMIT ?");
    q.bind(1, before_date);
    q.bind(2, limit > 0 ? limit : 1000);
    std::vector<Group> out;
    while (q.executeStep()) {
      Group g;
      if (FromJson(q.getColumn(0).getString(), &g)) out.push_back(std::move(g));
    }
    return out;
  } catch (const std::exception& e) {
    return Failed("stale", e);
  }
}

StatusOr<Group> RegistryStore::Verify(const std::string& id, const std::string& date, const Actor& actor) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    auto stored = impl_->Load(id);
    if (!stored.ok()) return stored.status();
    Group g = *stored;
    g.set_verified_at(date);
    return impl_->UpdateLocked(std::move(g), 0, actor, "verify");
  } catch (const std::exception& e) {
    return Failed("verify", e);
  }
}

StatusOr<std::vector<ChangeEvent>> RegistryStore::ChangesAfter(int64_t after, int limit, bool with_groups) {
  if (limit <= 0) limit = 100;
  if (after < impl_->compacted_through.load())
    return Status(StatusCode::kOutOfRange,
                  "cursor " + std::to_string(after) + " is older than the retained change feed (changes up to " +
                      std::to_string(impl_->compacted_through.load()) +
                      " were compacted); resync: read every group with GET /v1/groups, then follow "
                      "GET /v1/changes?after=<feed_cursor of that listing>",
                  "after");
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
    return Failed("reading changes", e);
  }
}

int64_t RegistryStore::LatestSeq() const { return impl_->latest_seq.load(); }
int64_t RegistryStore::CompactedThrough() const { return impl_->compacted_through.load(); }

bool RegistryStore::WaitForChangeAfter(int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->wait_mu);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->latest_seq.load() > after; });
}

StatusOr<int> RegistryStore::CompactChanges(const std::string& cutoff) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
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
  } catch (const std::exception& e) {
    return Failed("compaction", e);
  }
}

StatusOr<std::pair<TokenInfo, std::string>> RegistryStore::CreateToken(TokenInfo info) {
  if (info.role != "admin" && info.role != "editor" && info.role != "partner")
    return InvalidArgument("role must be admin, editor or partner", "role");
  if (info.name.empty()) return InvalidArgument("a token needs a name (who holds it)", "name");
  if (info.role == "editor" && info.groups.empty())
    return InvalidArgument("an editor token needs its groups", "groups");
  if (info.role == "partner" && info.source.empty())
    return InvalidArgument("a partner token needs its source", "source");
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    for (const auto& gid : info.groups)
      if (!impl_->Load(gid).ok()) return InvalidArgument("no group " + gid, "groups");
    info.id = RandomId("t_");
    info.created_at = NowRfc3339();
    std::string secret = "ibs_" + RandomHex(24);
    SQLite::Statement ins(*impl_->db,
                          "INSERT INTO tokens(id, secret_sha256, name, role, groups, source, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, info.id);
    ins.bind(2, Sha256Hex(secret));
    ins.bind(3, info.name);
    ins.bind(4, info.role);
    ins.bind(5, nlohmann::json(info.groups).dump());
    ins.bind(6, info.source);
    ins.bind(7, info.created_at);
    ins.exec();
    return std::make_pair(std::move(info), std::move(secret));
  } catch (const std::exception& e) {
    return Failed("token creation", e);
  }
}

Status RegistryStore::RevokeToken(const std::string& id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement upd(*impl_->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''");
    upd.bind(1, NowRfc3339());
    upd.bind(2, id);
    if (upd.exec() == 0) return NotFound("no valid token " + id);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed("revoke", e);
  }
}

namespace {
TokenInfo ReadToken(SQLite::Statement& q) {
  TokenInfo t;
  t.id = q.getColumn(0).getString();
  t.name = q.getColumn(1).getString();
  t.role = q.getColumn(2).getString();
  for (const auto& g : nlohmann::json::parse(q.getColumn(3).getString())) t.groups.push_back(g);
  t.source = q.getColumn(4).getString();
  t.created_at = q.getColumn(5).getString();
  t.revoked_at = q.getColumn(6).getString();
  return t;
}
}  // namespace

StatusOr<std::vector<TokenInfo>> RegistryStore::ListTokens() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(
        *impl_->db, "SELECT id, name, role, groups, source, created_at, revoked_at FROM tokens ORDER BY created_at");
    std::vector<TokenInfo> out;
    while (q.executeStep()) out.push_back(ReadToken(q));
    return out;
  } catch (const std::exception& e) {
    return Failed("token listing", e);
  }
}

StatusOr<TokenInfo> RegistryStore::Authenticate(const std::string& secret) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  try {
    SQLite::Statement q(*impl_->db,
                        "SELECT id, name, role, groups, source, created_at, revoked_at FROM tokens "
                        "WHERE secret_sha256 = ? AND revoked_at = ''");
    q.bind(1, Sha256Hex(secret));
    if (!q.executeStep()) return Status(StatusCode::kUnauthenticated, "unknown or revoked token");
    return ReadToken(q);
  } catch (const std::exception& e) {
    return Failed("authentication", e);
  }
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
