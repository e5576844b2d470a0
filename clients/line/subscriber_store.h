// What ibasho-line keeps (SQLite): the delivery profiles parents chose (with their consent), the
// webhook events already handled (LINE redelivers), and the state of push runs, so that a run
// killed half-way resumes with the same batches. Thread-safe (one connection under a mutex).
#ifndef IBASHO_CLIENTS_LINE_SUBSCRIBER_STORE_H_
#define IBASHO_CLIENTS_LINE_SUBSCRIBER_STORE_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace SQLite {
class Database;
}

namespace ibasho::line {

// The choices of a delivery profile.
struct Selection {
  std::vector<std::string> ages;    // age band codes (common/age_bands.h); empty: every age
  std::vector<std::string> topics;  // category codes; empty: every category
  std::string area;                 // a municipality; empty: anywhere
  bool operator==(const Selection&) const = default;
};

struct Profile {
  std::string user_id;       // LINE's user id: personal data, never logged in clear
  Selection active;          // what is delivered (meaningful when consented_at is set)
  Selection draft;           // what is being chosen in a set-up conversation
  std::string setup_step;    // "", "ages", "topics", "area", "confirm"
  std::string consented_at;  // RFC 3339; empty: nothing is delivered
  std::string updated_at;
};

// One multicast of a push run: the same messages to at most 500 users.
struct PushBatch {
  int seq = 0;
  std::vector<std::string> user_ids;
  std::string messages_json;
  std::string retry_key;  // X-Line-Retry-Key, kept so a resumed run repeats it
  bool sent = false;
};

struct PushRun {
  int64_t id = 0;
  std::string cursor_to;  // the change feed position the run covers
  std::vector<PushBatch> batches;
};

class SubscriberStore {
 public:
  // Opens or creates the database; Unavailable when it cannot.
  static StatusOr<std::unique_ptr<SubscriberStore>> Open(const std::string& path);
  ~SubscriberStore();

  // Records a webhook event id; false when it was recorded before (a redelivery). Ids older than
  // a week are forgotten.
  StatusOr<bool> FirstDelivery(const std::string& webhook_event_id);

  StatusOr<std::optional<Profile>> Get(const std::string& user_id);
  Status Put(const Profile& profile);  // sets updated_at
  Status Delete(const std::string& user_id);
  // Every profile with consent, by user id.
  StatusOr<std::vector<Profile>> Subscribers();

  // The change feed cursor the last finished push run reached ("" before the first).
  StatusOr<std::string> PushCursor();
  // A new run with its batches, atomically; its id.
  StatusOr<int64_t> StartRun(const std::string& cursor_to, const std::vector<PushBatch>& batches);
  // The run that started but did not finish, if any.
  StatusOr<std::optional<PushRun>> UnfinishedRun();
  Status MarkSent(int64_t run_id, int seq);
  // Ends the run and moves the push cursor to its cursor_to, atomically.
  Status FinishRun(int64_t run_id, const std::string& cursor_to);

 private:
  explicit SubscriberStore(std::unique_ptr<SQLite::Database> db);
  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_SUBSCRIBER_STORE_H_
