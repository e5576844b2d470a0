// Internal to storage/: the state behind RegistryStore and the helpers its parts share
// (registry_store.cc: schema and groups; review_store.cc: review and audit; token_store.cc:
// tokens; change_feed.cc: the outbox read side and retention).
#ifndef IBASHO_STORAGE_STORE_IMPL_H_
#define IBASHO_STORAGE_STORE_IMPL_H_

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "storage/registry_store.h"

namespace ibasho::storage {

struct RegistryStore::Impl {
  RegistryStoreOptions options;
  std::unique_ptr<SQLite::Database> db;
  mutable std::mutex mu;  // guards db and statements
  std::atomic<int64_t> latest_seq{0};
  std::atomic<int64_t> compacted_through{0};
  mutable std::mutex wait_mu;
  mutable std::condition_variable changed;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements;  // prepared once; guarded by mu

  // Runs fn under mu, turning what SQLiteCpp (or anything below) throws into an Internal status
  // naming the operation. fn returns a Status or a StatusOr.
  template <typename Fn>
  auto Guarded(const char* operation, Fn&& fn) -> std::invoke_result_t<Fn> {
    std::lock_guard<std::mutex> lock(mu);
    try {
      return fn();
    } catch (const std::exception& e) {
      return Internal(std::string(operation) + " failed: " + e.what());
    }
  }

  std::string Now() const { return options.clock->NowRfc3339(); }

  // A cached prepared statement, reset and unbound. Caller holds mu.
  SQLite::Statement& Stmt(const std::string& sql);
  Status Migrate();

  // Caller holds mu for all of these.
  StatusOr<registry::v1::Group> Load(const std::string& id);
  StatusOr<registry::v1::Group> LoadByExternalId(const std::string& source, const std::string& external_id);
  void Audit(const std::string& group_id, const std::string& action, const Actor& actor, int version,
             const std::vector<registry::v1::FieldChange>& diff, const std::string& note);
  // Writes the group row, its change row and its audit entry in one transaction; extra runs
  // inside the transaction before the commit.
  StatusOr<registry::v1::Group> Write(registry::v1::Group g, const registry::v1::Group* before, const char* op,
                                      const char* action, const Actor& actor,
                                      const std::function<void()>& extra = nullptr);
  // Checks and stamps a replacement of stored by g.
  Status PrepareUpdate(registry::v1::Group* g, const registry::v1::Group& stored, int expected_version);
  Status PrepareCreate(registry::v1::Group* g);
  StatusOr<registry::v1::Group> UpdateLocked(registry::v1::Group g, int expected_version, const Actor& actor,
                                             const char* action = "update");
};

// "name (id)", the id alone, or "system" when the actor is anonymous.
std::string ActorLabel(const Actor& actor);

// The feed operation for a group in this state: delete when archived, upsert otherwise.
const char* FeedOpFor(const registry::v1::Group& group);

}  // namespace ibasho::storage

#endif  // IBASHO_STORAGE_STORE_IMPL_H_
