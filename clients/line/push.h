// ibasho-line push: one digest per subscriber of what is new or changed since the last run (the
// change feed) and of the coming week's sessions, matched to each profile's ages, topics and area,
// sent by multicast (at most 500 users a call; subscribers with the same choices share a call; a
// digest for one user alone goes by push).
// A run is planned and stored before anything is sent, so a run killed half-way resumes with the
// same batches and retry keys (LINE drops a repeated key): nobody gets a digest twice.
#ifndef IBASHO_CLIENTS_LINE_PUSH_H_
#define IBASHO_CLIENTS_LINE_PUSH_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>
#include <string>

#include "clients/line/gateway_client.h"
#include "clients/line/line_api.h"
#include "clients/line/subscriber_store.h"
#include "common/clock.h"

namespace ibasho::line {

struct Changed;  // push.cc: an activity new or changed since the last run

struct PushOptions {
  std::string public_url = "http://127.0.0.1:8080";
  bool dry_run = false;                           // plan and print, send and store nothing
  int upcoming_days = 7;                          // sessions from today on
  size_t max_items = 10;                          // bubbles in a digest
  int max_attempts = 6;                           // per multicast, for 429 / 5xx / no answer
  std::chrono::milliseconds first_backoff{1000};  // doubled each time, unless Retry-After says
  const Clock* clock = SystemClock();
};

struct PushReport {
  bool resumed = false;  // finished a run an earlier invocation started
  int subscribers = 0;
  int digests = 0;  // distinct digests (profile choices with something to send)
  int users = 0;    // users with a digest
  int batches = 0;
  int sent_batches = 0;
  int already_sent = 0;  // batches LINE had accepted before (409 for the retry key)
  int retries = 0;
  int failed_batches = 0;  // rejected (4xx) and dropped
  std::string ToJson() const;
};

class Pusher {
 public:
  // The store, gateway and LINE API must outlive the pusher. out receives --dry_run's plan, one
  // JSON line per digest (user ids hashed by user_hash).
  Pusher(PushOptions options, SubscriberStore* store, const GatewayClient* gateway, const LineApi* line,
         std::function<std::string(const std::string&)> user_hash, std::function<void(const std::string&)> out);
  // Resumes an unfinished run if there is one, else plans and sends a new one. Unavailable when
  // the gateway or the store fails, or a batch could not be sent after every retry (the run stays
  // unfinished; the next invocation resumes it).
  StatusOr<PushReport> Run();

 private:
  // The digest of one profile choice: up to 5 changed activities that fit it, then the coming
  // sessions of its filters, at most max_items; counts of each in *fresh and *upcoming.
  StatusOr<nlohmann::json> DigestItems(const Selection& selection, const std::map<std::string, Changed>& changed,
                                       const std::string& from, const std::string& to, int* fresh, int* upcoming);
  // The activity as /v1/activities/{id} shows it, fetched once however many digests hold it;
  // null when it is no longer published.
  const nlohmann::json* ActivityPage(const std::string& activity_id);
  Status Send(PushRun& run, PushReport* report);
  PushOptions options_;
  SubscriberStore* store_;
  const GatewayClient* gateway_;
  const LineApi* line_;
  std::function<std::string(const std::string&)> user_hash_;
  std::function<void(const std::string&)> out_;
  std::map<std::string, std::optional<nlohmann::json>> activity_pages_;  // by activity id, for one run
};

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_PUSH_H_
