#include "clients/line/subscriber_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace ibasho::line {
namespace {

using nlohmann::json;

constexpr int kEventMemoryDays = 7;

std::string SelectionJson(const Selection& s) {
  return json{{"ages", s.ages}, {"topics", s.topics}, {"area", s.area}}.dump();
}

Selection SelectionOf(const std::string& text) {
  Selection s;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return s;
  for (const auto& a : j.value("ages", json::array()))
    if (a.is_string()) s.ages.push_back(a);
  for (const auto& t : j.value("topics", json::array()))
    if (t.is_string()) s.topics.push_back(t);
  s.area = j.value("area", "");
  return s;
}

Profile ProfileOf(SQLite::Statement& q) {
  Profile p;
  p.user_id = q.getColumn(0).getString();
  p.active = SelectionOf(q.getColumn(1).getString());
  p.draft = SelectionOf(q.getColumn(2).getString());
  p.setup_step = q.getColumn(3).getString();
  p.consented_at = q.getColumn(4).getString();
  p.updated_at = q.getColumn(5).getString();
  return p;
}

Status Failed(const std::exception& e) {
  return Status(StatusCode::kUnavailable, std::string("line store: ") + e.what());
}

}  // namespace

SubscriberStore::SubscriberStore(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
SubscriberStore::~SubscriberStore() = default;

StatusOr<std::unique_ptr<SubscriberStore>> SubscriberStore::Open(const std::string& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=FULL");
    db->setBusyTimeout(5000);
    db->exec(R"(
      CREATE TABLE IF NOT EXISTS profiles (
        user_id TEXT PRIMARY KEY, active TEXT NOT NULL, draft TEXT NOT NULL, setup_step TEXT NOT NULL,
        consented_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS push_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS push_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, cursor_to TEXT NOT NULL,
        finished_at TEXT);
      CREATE TABLE IF NOT EXISTS push_batches (
        run_id INTEGER NOT NULL, seq INTEGER NOT NULL, user_ids TEXT NOT NULL, messages TEXT NOT NULL,
        retry_key TEXT NOT NULL, sent_at TEXT, PRIMARY KEY (run_id, seq));
    )");
    return std::unique_ptr<SubscriberStore>(new SubscriberStore(std::move(db)));
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, "cannot open " + path + ": " + e.what());
  }
}

StatusOr<bool> SubscriberStore::FirstDelivery(const std::string& event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement forget(*db_, "DELETE FROM seen_events WHERE seen_at < ?");
    forget.bind(1, Rfc3339DaysAgo(kEventMemoryDays));
    forget.exec();
    SQLite::Statement q(*db_, "INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)");
    q.bind(1, event_id);
    q.bind(2, NowRfc3339());
    return q.exec() == 1;
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

StatusOr<std::optional<Profile>> SubscriberStore::Get(const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_,
                        "SELECT user_id, active, draft, setup_step, consented_at, updated_at FROM profiles "
                        "WHERE user_id = ?");
    q.bind(1, user_id);
    if (!q.executeStep()) return std::optional<Profile>();
    return std::optional<Profile>(ProfileOf(q));
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

Status SubscriberStore::Put(const Profile& p) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_,
                        "INSERT OR REPLACE INTO profiles (user_id, active, draft, setup_step, consented_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, p.user_id);
    q.bind(2, SelectionJson(p.active));
    q.bind(3, SelectionJson(p.draft));
    q.bind(4, p.setup_step);
    q.bind(5, p.consented_at);
    q.bind(6, NowRfc3339());
    q.exec();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

Status SubscriberStore::Delete(const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_, "DELETE FROM profiles WHERE user_id = ?");
    q.bind(1, user_id);
    q.exec();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

StatusOr<std::vector<Profile>> SubscriberStore::Subscribers() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_,
                        "SELECT user_id, active, draft, setup_step, consented_at, updated_at FROM profiles "
                        "WHERE consented_at != '' ORDER BY user_id");
    std::vector<Profile> out;
    while (q.executeStep()) out.push_back(ProfileOf(q));
    return out;
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

StatusOr<std::string> SubscriberStore::PushCursor() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_, "SELECT value FROM push_state WHERE key = 'cursor'");
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

StatusOr<int64_t> SubscriberStore::StartRun(const std::string& cursor_to, const std::vector<PushBatch>& batches) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Transaction tx(*db_);
    SQLite::Statement run(*db_, "INSERT INTO push_runs (started_at, cursor_to) VALUES (?, ?)");
    run.bind(1, NowRfc3339());
    run.bind(2, cursor_to);
    run.exec();
    const int64_t id = db_->getLastInsertRowid();
    for (const PushBatch& b : batches) {
      SQLite::Statement q(
          *db_, "INSERT INTO push_batches (run_id, seq, user_ids, messages, retry_key) VALUES (?, ?, ?, ?, ?)");
      q.bind(1, id);
      q.bind(2, b.seq);
      q.bind(3, json(b.user_ids).dump());
      q.bind(4, b.messages_json);
      q.bind(5, b.retry_key);
      q.exec();
    }
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

StatusOr<std::optional<PushRun>> SubscriberStore::UnfinishedRun() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_, "SELECT id, cursor_to FROM push_runs WHERE finished_at IS NULL ORDER BY id LIMIT 1");
    if (!q.executeStep()) return std::optional<PushRun>();
    PushRun run;
    run.id = q.getColumn(0).getInt64();
    run.cursor_to = q.getColumn(1).getString();
    SQLite::Statement b(*db_,
                        "SELECT seq, user_ids, messages, retry_key, sent_at IS NOT NULL FROM push_batches "
                        "WHERE run_id = ? ORDER BY seq");
    b.bind(1, run.id);
    while (b.executeStep()) {
      PushBatch batch;
      batch.seq = b.getColumn(0).getInt();
      for (const auto& u : json::parse(b.getColumn(1).getString(), nullptr, false))
        if (u.is_string()) batch.user_ids.push_back(u);
      batch.messages_json = b.getColumn(2).getString();
      batch.retry_key = b.getColumn(3).getString();
      batch.sent = b.getColumn(4).getInt() != 0;
      run.batches.push_back(std::move(batch));
    }
    return std::optional<PushRun>(std::move(run));
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

Status SubscriberStore::MarkSent(int64_t run_id, int seq) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Statement q(*db_, "UPDATE push_batches SET sent_at = ? WHERE run_id = ? AND seq = ?");
    q.bind(1, NowRfc3339());
    q.bind(2, run_id);
    q.bind(3, seq);
    q.exec();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

Status SubscriberStore::FinishRun(int64_t run_id, const std::string& cursor_to) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SQLite::Transaction tx(*db_);
    SQLite::Statement done(*db_, "UPDATE push_runs SET finished_at = ? WHERE id = ?");
    done.bind(1, NowRfc3339());
    done.bind(2, run_id);
    done.exec();
    SQLite::Statement cursor(*db_, "INSERT OR REPLACE INTO push_state (key, value) VALUES ('cursor', ?)");
    cursor.bind(1, cursor_to);
    cursor.exec();
    // Delivered batches hold user ids: keep none once the run is over.
    SQLite::Statement forget(*db_, "DELETE FROM push_batches WHERE run_id = ?");
    forget.bind(1, run_id);
    forget.exec();
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failed(e);
  }
}

}  // namespace ibasho::line
