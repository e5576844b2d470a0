#include "storage/registry_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <set>

#include "testing/test_util.h"

namespace ibasho::storage {
namespace {

using registry::v1::Group;

Group MakeGroup(const std::string& name) {
  Group g;
  g.set_name(name);
  auto* a = g.add_activities();
  a->set_title(name + "の居場所");
  a->add_categories("ibasho");
  return g;
}

class RegistryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open(std::function<Status(std::string_view)> hook = nullptr) {
    store_.reset();
    RegistryStoreOptions o;
    o.path = dir_.File("registry.db");
    o.clock = &clock_;
    o.before_outbox_write = std::move(hook);
    auto s = RegistryStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  int64_t CountRows(const char* table) {
    SQLite::Database db(dir_.File("registry.db"), SQLite::OPEN_READONLY);
    return db.execAndGet(std::string("SELECT COUNT(*) FROM ") + table).getInt64();
  }

  testing::TempDir dir_;
  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 3} + std::chrono::hours(1)};
  std::unique_ptr<RegistryStore> store_;
};

TEST_F(RegistryStoreTest, TimesComeFromTheConfiguredClock) {
  auto g = store_->Create(MakeGroup("時計の会"));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->created_at(), "2026-12-03T01:00:00.000Z");
  clock_.Advance(std::chrono::hours(24));
  Group changed = *g;
  changed.set_description("説明を追加");
  auto updated = store_->Update(changed, g->version());
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->created_at(), "2026-12-03T01:00:00.000Z");
  EXPECT_EQ(updated->updated_at(), "2026-12-04T01:00:00.000Z");
  auto history = store_->History(g->id());
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().at(), "2026-12-04T01:00:00.000Z");
}

TEST_F(RegistryStoreTest, IdsAndSecretsAreDistinctHexFromTheCsprng) {
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    auto g = store_->Create(MakeGroup("会" + std::to_string(i)));
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->id().size(), 14u) << g->id();  // g_ + 12 hex digits
    EXPECT_EQ(g->id().find_first_not_of("0123456789abcdef", 2), std::string::npos) << g->id();
    ids.insert(g->id());
  }
  EXPECT_EQ(ids.size(), 200u);
}

TEST_F(RegistryStoreTest, MigrationsApplyOnceAndDatabaseUsesWalAndForeignKeys) {
  EXPECT_EQ(store_->SchemaVersion(), LatestSchemaVersion());
  Open();  // reopening applies nothing twice
  EXPECT_EQ(store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows("schema_migrations"), LatestSchemaVersion());
  SQLite::Database db(dir_.File("registry.db"), SQLite::OPEN_READWRITE);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  db.exec("PRAGMA foreign_keys = ON");
  EXPECT_THROW(db.exec("INSERT INTO changes(group_id, op, version, changed_at) VALUES ('nope', 'upsert', 1, 'x')"),
               SQLite::Exception);
}

TEST_F(RegistryStoreTest, CreateWritesTheChangeRowInTheSameTransaction) {
  auto g = store_->Create(MakeGroup("石神井・小さなうち"));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->version(), 1);
  EXPECT_FALSE(g->id().empty());
  EXPECT_FALSE(g->activities(0).id().empty());
  auto changes = store_->ChangesAfter(0, 10, true);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].change().op(), registry::v1::CHANGE_OP_UPSERT);
  EXPECT_EQ((*changes)[0].change().group_id(), g->id());
  EXPECT_EQ((*changes)[0].group().name(), "石神井・小さなうち");
  EXPECT_EQ(store_->LatestSeq(), 1);
}

TEST_F(RegistryStoreTest, FailedOutboxWriteRollsBackTheGroupToo) {
  auto kept = store_->Create(MakeGroup("残る会"));
  ASSERT_TRUE(kept.ok());
  Open([](std::string_view) { return Status(StatusCode::kUnavailable, "disk full"); });
  auto failed = store_->Create(MakeGroup("消える会"));
  EXPECT_FALSE(failed.ok());
  Group changed = *kept;
  changed.set_description("変更");
  EXPECT_FALSE(store_->Update(changed, 0).ok());
  EXPECT_EQ(CountRows("groups"), 1);
  EXPECT_EQ(CountRows("changes"), 1);
  Open();
  auto still = store_->Get(kept->id());
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->description(), "");  // nothing stored was lost or half-changed
}

TEST_F(RegistryStoreTest, UpdateChecksVersionAndKeepsActivityIds) {
  auto g = store_->Create(MakeGroup("会"));
  ASSERT_TRUE(g.ok());
  Group edit = *g;
  edit.mutable_activities(0)->set_description("新しい説明");
  edit.mutable_activities(0)->clear_id();  // matched back by title
  auto updated = store_->Update(edit, 1);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version(), 2);
  EXPECT_EQ(updated->activities(0).id(), g->activities(0).id());
  auto stale = store_->Update(edit, 1);
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CountRows("changes"), 2);  // the rejected write left no change row
}

TEST_F(RegistryStoreTest, SamePayloadTwiceChangesNothing) {
  auto g = store_->Create(MakeGroup("会"));
  ASSERT_TRUE(g.ok());
  auto again = store_->Update(*g, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 1);
  EXPECT_EQ(CountRows("changes"), 1);
}

TEST_F(RegistryStoreTest, ArchiveIsADeleteInTheFeedAndKeepsTheGroup) {
  auto g = store_->Create(MakeGroup("会"));
  ASSERT_TRUE(g.ok());
  auto archived = store_->Archive(g->id(), 0);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(archived->status(), registry::v1::LISTING_STATUS_ARCHIVED);
  auto changes = store_->ChangesAfter(1, 10, true);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].change().op(), registry::v1::CHANGE_OP_DELETE);
  EXPECT_FALSE((*changes)[0].has_group());
  EXPECT_TRUE(store_->Get(g->id()).ok());
  EXPECT_TRUE(store_->Archive(g->id(), 0).ok());
  EXPECT_EQ(CountRows("changes"), 2);  // archiving twice is one change
}

TEST_F(RegistryStoreTest, ExternalIdsAreUniquePerSource) {
  Group a = MakeGroup("A");
  a.set_source("opendata");
  a.set_external_id("1");
  ASSERT_TRUE(store_->Create(a).ok());
  auto dup = store_->Create(a);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "external_id");
  auto found = store_->GetByExternalId("opendata", "1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name(), "A");
}

TEST_F(RegistryStoreTest, InvalidGroupIsRejectedWithFieldAndNothingWritten) {
  Group bad = MakeGroup("会");
  bad.mutable_activities(0)->add_categories("unknown");
  auto r = store_->Create(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "activities[0].categories[1]");
  EXPECT_EQ(CountRows("groups"), 0);
}

TEST_F(RegistryStoreTest, ListPagesInIdOrder) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Create(MakeGroup("会" + std::to_string(i))).ok());
  auto p1 = store_->List(2, "");
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->groups.size(), 2u);
  auto p2 = store_->List(2, p1->next_page_token);
  auto p3 = store_->List(2, p2->next_page_token);
  EXPECT_EQ(p3->groups.size(), 1u);
  EXPECT_TRUE(p3->next_page_token.empty());
  EXPECT_LT(p1->groups[1].id(), p2->groups[0].id());
}

TEST_F(RegistryStoreTest, WaitForChangeWakesOnWrite) {
  EXPECT_FALSE(store_->WaitForChangeAfter(0, std::chrono::milliseconds(10)));
  std::thread writer([&] { ASSERT_TRUE(store_->Create(MakeGroup("会")).ok()); });
  EXPECT_TRUE(store_->WaitForChangeAfter(0, std::chrono::seconds(5)));
  writer.join();
}

TEST_F(RegistryStoreTest, CompactionKeepsEachGroupsLatestChangeAndOldCursorsGetOutOfRange) {
  auto a = store_->Create(MakeGroup("A"));
  auto b = store_->Create(MakeGroup("B"));
  Group a2 = *a;
  a2.set_description("2");
  ASSERT_TRUE(store_->Update(a2, 0).ok());              // seq 3 supersedes seq 1
  ASSERT_TRUE(store_->Archive(b->id(), 0).ok());        // seq 4: a tombstone for B
  auto dropped = store_->CompactChanges("9999-12-31");  // everything is older than this cutoff
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 3);  // A's first row, B's upsert and B's tombstone
  EXPECT_EQ(store_->CompactedThrough(), 4);
  auto old = store_->ChangesAfter(0, 10, false);
  EXPECT_EQ(old.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(old.status().field(), "after");
  EXPECT_NE(old.status().message().find("resync"), std::string::npos);
  auto fresh = store_->ChangesAfter(4, 10, false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(CountRows("changes"), 1);  // A's latest state survives
}

TEST_F(RegistryStoreTest, TokensAreStoredHashedAndRevocable) {
  auto g = store_->Create(MakeGroup("会"));
  TokenInfo info;
  info.name = "会の代表";
  info.role = registry::v1::ROLE_EDITOR;
  info.groups = {g->id()};
  auto created = store_->CreateToken(info);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string secret = created->second;
  {
    SQLite::Database db(dir_.File("registry.db"), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT secret_sha256 FROM tokens");
    ASSERT_TRUE(q.executeStep());
    EXPECT_NE(q.getColumn(0).getString(), secret);
    EXPECT_EQ(q.getColumn(0).getString().size(), 64u);
  }
  auto who = store_->Authenticate(secret);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, registry::v1::ROLE_EDITOR);
  EXPECT_EQ(who->groups, std::vector<std::string>{g->id()});
  EXPECT_EQ(store_->Authenticate("ibs_wrong").status().code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(store_->RevokeToken(who->id).ok());
  EXPECT_EQ(store_->Authenticate(secret).status().code(), StatusCode::kUnauthenticated);
  info.groups.clear();
  EXPECT_EQ(store_->CreateToken(info).status().field(), "groups");
}

TEST_F(RegistryStoreTest, ReviewKeepsThePublishedVersionUntilPublishAndAuditsEveryStep) {
  auto g = store_->Create(MakeGroup("会"), Actor{"t_1", "職員"});
  Group edit = *g;
  edit.set_description("審査待ちの説明");
  auto pending = store_->SubmitRevision(edit, 1, Actor{"t_2", "会の代表"});
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(store_->Get(g->id())->description(), "");  // published copy untouched
  EXPECT_EQ(store_->LatestSeq(), 1);                   // nothing in the feed yet
  EXPECT_EQ(store_->PendingRevision(g->id())->description(), "審査待ちの説明");
  auto published = store_->PublishRevision(g->id(), Actor{"t_1", "職員"});
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->version(), 2);
  EXPECT_EQ(published->description(), "審査待ちの説明");
  EXPECT_EQ(store_->PendingRevision(g->id()).status().code(), StatusCode::kNotFound);
  auto history = store_->History(g->id());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[1].action(), "submit");
  EXPECT_EQ((*history)[1].actor(), "会の代表 (t_2)");
  EXPECT_EQ((*history)[2].action(), "publish");
  ASSERT_EQ((*history)[2].changes_size(), 1);
  EXPECT_EQ((*history)[2].changes(0).path(), "description");
  EXPECT_EQ((*history)[2].changes(0).after(), "\"審査待ちの説明\"");
}

TEST_F(RegistryStoreTest, DryRunUpsertWritesNothing) {
  std::vector<registry::v1::FieldChange> diff;
  auto r = store_->Upsert("ward", "1", MakeGroup("会"), 0, {}, /*dry_run=*/true, &diff);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->second, RegistryStore::UpsertResult::kCreated);
  EXPECT_FALSE(diff.empty());
  EXPECT_EQ(CountRows("groups"), 0);
  EXPECT_EQ(CountRows("changes"), 0);
}

}  // namespace
}  // namespace ibasho::storage
