// RegistryStore: the registry's SQLite file (WAL, foreign keys on, versioned migrations applied at
// open). Every group write appends its change row (the transactional outbox) and its audit entry
// (actor, time, field-level diff) in the same transaction, so the change feed and the history
// never miss or invent a write.
//
// Thread-safety: all methods may be called concurrently; writes are serialised internally.
#ifndef IBASHO_STORAGE_REGISTRY_STORE_H_
#define IBASHO_STORAGE_REGISTRY_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::storage {

struct RegistryStoreOptions {
  // Path of the SQLite file; created with its schema when missing.
  std::string path;
  int busy_timeout_ms = 5000;
  // SQLite's own page cache. Reads go through it rather than a memory map of the whole file: a
  // mapping keeps every page a scan or bulk import touched counted in the process's memory (the
  // kernel's file cache holds them either way, shared and reclaimable).
  int cache_mib = 16;
  // Stamps created_at, updated_at, audit and token times. Not owned; must outlive the store.
  const Clock* clock = SystemClock();
  // Fault-injection seam for tests: called inside each write transaction after the group row is
  // written and before the change row is; a non-OK status aborts and rolls back the transaction.
  std::function<Status(std::string_view stage)> before_outbox_write;
};

struct GroupPage {
  std::vector<registry::v1::Group> groups;
  std::string next_page_token;  // empty on the last page
  int64_t feed_cursor = 0;      // the change feed position the page was read at
};

struct BackupInfo {
  std::string path;
  int64_t bytes = 0;
  int64_t latest_cursor = 0;  // the change feed position the copy holds
};

// Narrows a listing; empty fields do not filter.
struct GroupFilter {
  std::string source;          // only groups of this partner source
  std::string modified_after;  // RFC 3339 UTC as stored ("2026-12-01T00:00:00.000Z"): updated_at >= it
  bool published_only = false;
  std::string name_contains;  // a substring of the name
};

// Who is writing, for the audit log.
struct Actor {
  std::string id;  // token id, or "admin" for the bootstrap token, or "system"
  std::string name;
};

struct TokenInfo {
  std::string id;
  std::string name;
  registry::v1::Role role = registry::v1::ROLE_UNSPECIFIED;
  std::vector<std::string> groups;  // editor: the groups it may edit
  std::string source;               // partner: the source it may write
  std::string created_at;
  std::string revoked_at;  // empty while valid
};

class RegistryStore {
 public:
  // Opens (creating if needed) and migrates the database.
  static StatusOr<std::unique_ptr<RegistryStore>> Open(RegistryStoreOptions options);
  ~RegistryStore();
  RegistryStore(const RegistryStore&) = delete;
  RegistryStore& operator=(const RegistryStore&) = delete;

  // Assigns id (when empty), activity ids, version 1 and timestamps. AlreadyExists when the id or
  // (source, external_id) is taken; InvalidArgument naming the field when validation fails.
  StatusOr<registry::v1::Group> Create(registry::v1::Group group, const Actor& actor = {});
  StatusOr<registry::v1::Group> Get(const std::string& id);
  // Looks a group up by its partner identity.
  StatusOr<registry::v1::Group> GetByExternalId(const std::string& source, const std::string& external_id);
  // Replaces the group. expected_version > 0 must equal the stored version (else
  // FailedPrecondition). Activities keep their ids; new ones get fresh ids. A payload equal to
  // what is stored changes nothing: no new version, no change row.
  StatusOr<registry::v1::Group> Update(registry::v1::Group group, int expected_version, const Actor& actor = {});
  // Sets status archived (op delete in the feed). Archiving an archived group changes nothing.
  StatusOr<registry::v1::Group> Archive(const std::string& id, int expected_version, const Actor& actor = {});
  // Groups in id order. page_token is the previous page's next_page_token; offset skips that
  // many matching groups first (page numbers). *total (when given) gets the number that match.
  StatusOr<GroupPage> List(int page_size, const std::string& page_token, const GroupFilter& filter = {}, int offset = 0,
                           int64_t* total = nullptr);

  enum class UpsertResult { kCreated, kUpdated, kUnchanged };
  // Creates or replaces the group that (source, external_id) names. The same payload twice is
  // kUnchanged: no new version, no change row. With dry_run nothing is written; the result and
  // *diff (when given) say what would happen.
  StatusOr<std::pair<registry::v1::Group, UpsertResult>> Upsert(const std::string& source,
                                                                const std::string& external_id,
                                                                registry::v1::Group group, int expected_version,
                                                                const Actor& actor = {}, bool dry_run = false,
                                                                std::vector<registry::v1::FieldChange>* diff = nullptr);

  // Review: a change submitted for review is kept beside the published group (which stays as it
  // is, and searchable) until an admin publishes or rejects it. One pending revision per group;
  // a new submission replaces it. expected_version guards against editing a stale copy.
  StatusOr<registry::v1::Group> SubmitRevision(registry::v1::Group group, int expected_version, const Actor& actor);
  StatusOr<registry::v1::Group> PendingRevision(const std::string& id);  // NotFound when none
  StatusOr<registry::v1::Group> PublishRevision(const std::string& id, const Actor& actor);
  Status RejectRevision(const std::string& id, const std::string& reason, const Actor& actor);

  // The audit log of a group, oldest first.
  StatusOr<std::vector<registry::v1::HistoryEntry>> History(const std::string& id);

  // Published groups whose verified_at is before date (YYYY-MM-DD) or missing, oldest first.
  StatusOr<std::vector<registry::v1::Group>> Stale(const std::string& before_date, int limit);
  // Sets verified_at to date (YYYY-MM-DD); a new version like any other change.
  StatusOr<registry::v1::Group> Verify(const std::string& id, const std::string& date, const Actor& actor);

  // Changes with seq > after, oldest first, at most limit. With with_groups, each upsert carries
  // the group's current state read in the same snapshot. OutOfRange when after is older than
  // the compacted part of the feed (the caller must resync from a full listing).
  StatusOr<std::vector<registry::v1::ChangeEvent>> ChangesAfter(int64_t after, int limit, bool with_groups);
  // The newest change sequence (0 when there is none).
  int64_t LatestSeq() const;
  StatusOr<int64_t> GroupCount();
  // The database file and its write-ahead log, in bytes.
  int64_t DatabaseBytes() const;
  // Copies the database to a new file at path while writes go on (SQLite backup API, one
  // consistent snapshot), then checks the copy. InvalidArgument when path exists.
  StatusOr<BackupInfo> Backup(const std::string& path);
  // Blocks until a change newer than after exists or the timeout passes; true when one exists.
  bool WaitForChangeAfter(int64_t after, std::chrono::milliseconds timeout) const;
  // Feed retention: drops change rows older than cutoff (RFC 3339) that a newer row of the same
  // group supersedes, and tombstones older than cutoff. Cursors at or before the highest dropped
  // seq then get OutOfRange. Returns the number of rows dropped.
  StatusOr<int> CompactChanges(const std::string& cutoff);
  int64_t CompactedThrough() const;

  // Tokens: only a hash of the secret is stored. The secret is returned once, by CreateToken.
  StatusOr<std::pair<TokenInfo, std::string>> CreateToken(TokenInfo info);
  Status RevokeToken(const std::string& id);
  StatusOr<std::vector<TokenInfo>> ListTokens();
  // The valid token with this secret; Unauthenticated when unknown or revoked.
  StatusOr<TokenInfo> Authenticate(const std::string& secret);

  int SchemaVersion();

 private:
  struct Impl;
  explicit RegistryStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The highest schema version this build knows.
int LatestSchemaVersion();

}  // namespace ibasho::storage

#endif  // IBASHO_STORAGE_REGISTRY_STORE_H_
