// RegistryStore: the registry's SQLite file (WAL, foreign keys on, versioned migrations applied at
// open). Every group write appends its change row (the transactional outbox) in the same
// transaction, so the change feed never misses or invents a write.
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
#include <vector>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::storage {

struct RegistryStoreOptions {
  // Path of the SQLite file; created with its schema when missing.
  std::string path;
  int busy_timeout_ms = 5000;
  // Fault-injection seam for tests: called inside each write transaction after the group row is
  // written and before the change row is; a non-OK status aborts and rolls back the transaction.
  std::function<Status(std::string_view stage)> before_outbox_write;
};

struct GroupPage {
  std::vector<registry::v1::Group> groups;
  std::string next_page_token;  // empty on the last page
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
  StatusOr<registry::v1::Group> Create(registry::v1::Group group);
  StatusOr<registry::v1::Group> Get(const std::string& id);
  // Looks a group up by its partner identity.
  StatusOr<registry::v1::Group> GetByExternalId(const std::string& source, const std::string& external_id);
  // Replaces the group. expected_version > 0 must equal the stored version (else
  // FailedPrecondition). Activities keep their ids; new ones get fresh ids. A payload equal to
  // what is stored changes nothing: no new version and no change row.
  StatusOr<registry::v1::Group> Update(registry::v1::Group group, int expected_version);
  // Sets status archived (op delete in the feed). Archiving an archived group changes nothing.
  StatusOr<registry::v1::Group> Archive(const std::string& id, int expected_version);
  StatusOr<GroupPage> List(int page_size, const std::string& page_token);

  enum class UpsertResult { kCreated, kUpdated, kUnchanged };
  // Creates or replaces the group that (source, external_id) names. The same payload twice is
  // kUnchanged: no new version, no change row.
  StatusOr<std::pair<registry::v1::Group, UpsertResult>> Upsert(const std::string& source,
                                                                const std::string& external_id,
                                                                registry::v1::Group group, int expected_version);

  // Changes with seq > after, oldest first, at most limit. With with_groups, each upsert carries
  // the group's current state read in the same snapshot.
  StatusOr<std::vector<registry::v1::ChangeEvent>> ChangesAfter(int64_t after, int limit, bool with_groups);
  // The newest change sequence (0 when there is none).
  int64_t LatestSeq() const;
  // Blocks until a change newer than after exists or the timeout passes; true when one exists.
  bool WaitForChangeAfter(int64_t after, std::chrono::milliseconds timeout) const;

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
