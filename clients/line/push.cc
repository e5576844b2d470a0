#include "clients/line/push.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "clients/line/messages.h"
#include "common/age_bands.h"
#include "common/civil_date.h"
#include "common/url.h"

namespace ibasho::line {

// An activity that is new or changed since the last run, as the change feed showed it.
struct Changed {
  std::string activity_id;
  std::vector<std::string> categories;
  int age_min = 0, age_max = 0;  // 0, 0: ages unknown (fits everyone)
  std::string municipality;
};

namespace {

using nlohmann::json;

constexpr int kFeedPage = 1000;
constexpr size_t kMaxNewPerDigest = 5;

bool Fits(const Changed& c, const Selection& s) {
  if (!s.area.empty() && c.municipality != s.area) return false;
  if (!s.topics.empty() && std::none_of(c.categories.begin(), c.categories.end(), [&](const std::string& cat) {
        return std::find(s.topics.begin(), s.topics.end(), cat) != s.topics.end();
      }))
    return false;
  if (s.ages.empty() || (c.age_min == 0 && c.age_max == 0)) return true;
  return std::any_of(s.ages.begin(), s.ages.end(), [&](const std::string& code) {
    const AgeBand* band = FindAgeBand(code);
    return band && InAgeBand(c.age_min, c.age_max, *band);
  });
}

// The selection's filters as query parameters of /v1/events.
std::string FilterQuery(const Selection& s) {
  std::string q;
  for (const auto& a : s.ages) q += "&age_band=" + PercentEncode(a);
  for (const auto& t : s.topics) q += "&category=" + PercentEncode(t);
  if (!s.area.empty()) q += "&municipality=" + PercentEncode(s.area);
  return q;
}

std::string Key(const Selection& s) { return json{{"a", s.ages}, {"t", s.topics}, {"m", s.area}}.dump(); }

// Follows the change feed from *cursor to its end: the published activities of upserted groups
// into *changed (when *cursor was not empty: the first run only finds the end), *cursor to the end.
Status ReadChanges(const GatewayClient& gateway, std::string* cursor, std::map<std::string, Changed>* changed) {
  const bool first_run = cursor->empty();
  for (;;) {
    std::string target = "/v1/changes?page_size=" + std::to_string(kFeedPage) + "&after=" + PercentEncode(*cursor) +
                         (first_run ? "" : "&include=group");
    StatusOr<json> page = gateway.Get(target);
    if (!page.ok()) return Status(StatusCode::kUnavailable, "change feed: " + page.status().message());
    const json& changes = page->value("changes", json::array());
    for (const auto& c : changes) {
      if (c.value("op", "") != "upsert" || !c.contains("group")) continue;
      for (const auto& a : c["group"].value("activities", json::array())) {
        if (a.value("status", "published") != "published") continue;
        Changed item;
        item.activity_id = a.value("id", "");
        for (const auto& cat : a.value("categories", json::array()))
          if (cat.is_string()) item.categories.push_back(cat);
        item.age_min = a.value("ages", json::object()).value("min", 0);
        item.age_max = a.value("ages", json::object()).value("max", 0);
        item.municipality = a.value("location", json::object()).value("municipality", "");
        if (!item.activity_id.empty()) (*changed)[item.activity_id] = std::move(item);
      }
    }
    std::string next = page->value("next_cursor", *cursor);
    if (changes.empty() || next == *cursor) return Status::Ok();
    *cursor = next;
  }
}

}  // namespace

std::string PushReport::ToJson() const {
  return json{{"resumed", resumed},
              {"subscribers", subscribers},
              {"digests", digests},
              {"users", users},
              {"batches", batches},
              {"sent_batches", sent_batches},
              {"already_sent", already_sent},
              {"retries", retries},
              {"failed_batches", failed_batches}}
      .dump();
}

Pusher::Pusher(PushOptions options, SubscriberStore* store, const GatewayClient* gateway, const LineApi* line,
               std::function<std::string(const std::string&)> user_hash, std::function<void(const std::string&)> out)
    : options_(std::move(options)),
      store_(store),
      gateway_(gateway),
      line_(line),
      user_hash_(std::move(user_hash)),
      out_(std::move(out)) {}

StatusOr<PushReport> Pusher::Run() {
  PushReport report;
  activity_pages_.clear();
  StatusOr<std::optional<PushRun>> unfinished = store_->UnfinishedRun();
  if (!unfinished.ok()) return unfinished.status();
  if (unfinished->has_value()) {
    PushRun run = std::move(**unfinished);
    report.resumed = true;
    report.batches = static_cast<int>(run.batches.size());
    for (const auto& b : run.batches) report.users += static_cast<int>(b.user_ids.size());
    if (options_.dry_run) {
      out_(json{{"would_resume_run", run.id}, {"batches", run.batches.size()}}.dump());
      return report;
    }
    Status sent = Send(run, &report);
    if (!sent.ok()) return sent;
    return report;
  }

  // 1. What changed since the last run (the first run only finds where the feed ends).
  StatusOr<std::string> cursor_from = store_->PushCursor();
  if (!cursor_from.ok()) return cursor_from.status();
  std::string cursor = *cursor_from;
  std::map<std::string, Changed> changed;  // by activity id
  if (Status read = ReadChanges(*gateway_, &cursor, &changed); !read.ok()) return read;

  // 2. Each distinct choice of ages, topics and area gets one digest.
  StatusOr<std::vector<Profile>> subscribers = store_->Subscribers();
  if (!subscribers.ok()) return subscribers.status();
  report.subscribers = static_cast<int>(subscribers->size());
  std::map<std::string, std::pair<Selection, std::vector<std::string>>> by_choice;
  for (const Profile& p : *subscribers) {
    auto& entry = by_choice[Key(p.active)];
    entry.first = p.active;
    entry.second.push_back(p.user_id);
  }
  const CivilDate today = *ParseCivilDate(options_.clock->TokyoToday());
  const std::string from = FormatCivilDate(today), to = FormatCivilDate(AddDays(today, options_.upcoming_days - 1));
  std::vector<PushBatch> batches;
  for (const auto& [key, entry] : by_choice) {
    const auto& [selection, users] = entry;
    int fresh = 0, upcoming = 0;
    StatusOr<json> items = DigestItems(selection, changed, from, to, &fresh, &upcoming);
    if (!items.ok()) return items.status();
    if (items->empty()) continue;
    const std::string headline =
        "今週のお知らせ: 新着・更新 " + std::to_string(fresh) + "件、これからの予定 " + std::to_string(upcoming) + "件";
    json messages = json::array({Text(headline + "\n配信の変更は「配信設定」、停止は「配信停止」と送ってください。"),
                                 ListingsCarousel(*items, headline, options_.public_url, options_.max_items)});
    ++report.digests;
    report.users += static_cast<int>(users.size());
    if (options_.dry_run) {
      json plan = {{"users", json::array()}, {"items", json::array()}};
      for (const auto& u : users) plan["users"].push_back(user_hash_(u));
      for (const auto& i : *items) plan["items"].push_back(i.value("title", ""));
      out_(plan.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    for (size_t at = 0; at < users.size(); at += kMaxMulticastUsers) {
      PushBatch b;
      b.seq = static_cast<int>(batches.size());
      b.user_ids.assign(users.begin() + at, users.begin() + std::min(users.size(), at + kMaxMulticastUsers));
      b.messages_json = messages.dump(-1, ' ', false, json::error_handler_t::replace);
      b.retry_key = RandomUuid();
      batches.push_back(std::move(b));
    }
  }
  report.batches = static_cast<int>(batches.size());
  if (options_.dry_run) return report;

  // 3. Stored before anything is sent: a crash from here on resumes this very run.
  StatusOr<int64_t> id = store_->StartRun(cursor, batches);
  if (!id.ok()) return id.status();
  PushRun run{*id, cursor, std::move(batches)};
  Status sent = Send(run, &report);
  if (!sent.ok()) return sent;
  return report;
}

StatusOr<json> Pusher::DigestItems(const Selection& selection, const std::map<std::string, Changed>& changed,
                                   const std::string& from, const std::string& to, int* fresh, int* upcoming) {
  json items = json::array();
  std::set<std::string> included;
  for (const auto& [id, c] : changed) {
    if (*fresh >= static_cast<int>(kMaxNewPerDigest) || !Fits(c, selection)) continue;
    const json* activity = ActivityPage(id);
    if (!activity) continue;  // archived or unpublished since
    items.push_back(*activity);
    included.insert(id);
    ++*fresh;
  }
  StatusOr<json> events =
      gateway_->Get("/v1/events?from=" + from + "&to=" + to + "&limit=200" + FilterQuery(selection));
  if (!events.ok()) return Status(StatusCode::kUnavailable, "events: " + events.status().message());
  for (const auto& e : events->value("events", json::array())) {
    if (items.size() >= options_.max_items) break;
    if (!included.insert(e.value("activity_id", "")).second) continue;
    items.push_back(e);
    ++*upcoming;
  }
  return items;
}

const json* Pusher::ActivityPage(const std::string& activity_id) {
  auto [it, fresh] = activity_pages_.try_emplace(activity_id);
  if (fresh) {
    StatusOr<json> page = gateway_->Get("/v1/activities/" + PercentEncode(activity_id));
    if (page.ok()) it->second = std::move(*page);
  }
  return it->second ? &*it->second : nullptr;
}

Status Pusher::Send(PushRun& run, PushReport* report) {
  for (PushBatch& b : run.batches) {
    if (b.sent) continue;
    json messages = json::parse(b.messages_json, nullptr, false);
    std::chrono::milliseconds backoff = options_.first_backoff;
    for (int attempt = 1;; ++attempt) {
      // One user: the push API; more: one multicast for all of them.
      LineCall call = b.user_ids.size() == 1 ? line_->Push(b.user_ids[0], messages, b.retry_key)
                                             : line_->Multicast(b.user_ids, messages, b.retry_key);
      if (call.ok() || call.status == 409) {
        // 409: LINE already accepted this retry key (the call before a crash went through).
        ++(call.ok() ? report->sent_batches : report->already_sent);
        break;
      }
      if (!call.retryable()) {
        ++report->failed_batches;  // LINE refuses it (4xx): dropped, the rest go on
        break;
      }
      if (attempt >= options_.max_attempts)
        return Status(StatusCode::kUnavailable, "multicast failed " + std::to_string(attempt) + " times (" +
                                                    std::to_string(call.status) + "); run it again to resume");
      ++report->retries;
      std::this_thread::sleep_for(
          call.retry_after_seconds > 0 ? std::chrono::milliseconds(1000 * call.retry_after_seconds) : backoff);
      backoff *= 2;
    }
    if (Status st = store_->MarkSent(run.id, b.seq); !st.ok()) return st;
    b.sent = true;
  }
  return store_->FinishRun(run.id, run.cursor_to);
}

}  // namespace ibasho::line
