// Searcher's calendar side: sessions of the activities a search finds, and one activity's page.
#include <algorithm>
#include <unordered_map>

#include "common/civil_date.h"
#include "ibasho/search/index/v1/stored_activity.pb.h"
#include "model/schedule.h"
#include "search/engine/search_filters.h"
#include "search/engine/searcher.h"
#include "search/index/index_schema.h"

namespace ibasho::search {
namespace {

Status ValidateEvents(const v1::EventsRequest& r, int max_page_size) {
  Status filters = ValidateSearchRequest(r.filters(), max_page_size);
  if (!filters.ok()) return filters;
  auto from = ParseCivilDate(r.from());
  if (!from) return InvalidArgument("from must be a real date YYYY-MM-DD", "from");
  auto to = ParseCivilDate(r.to());
  if (!to) return InvalidArgument("to must be a real date YYYY-MM-DD", "to");
  if (*to < *from) return InvalidArgument("to must not be before from", "to");
  if (AddDays(*from, limits::kMaxEventDays) < *to)
    return InvalidArgument("the range may span at most " + std::to_string(limits::kMaxEventDays) + " days", "to");
  if (r.limit() < 0 || r.limit() > limits::kMaxEvents)
    return InvalidArgument("limit must be 1.." + std::to_string(limits::kMaxEvents), "limit");
  return Status::Ok();
}

v1::Event EventOf(const v1::SearchResult& a, const model::Occurrence& o) {
  v1::Event e;
  e.set_activity_id(a.activity_id());
  e.set_group_id(a.group_id());
  e.set_title(a.title());
  e.set_group_name(a.group_name());
  *e.mutable_categories() = a.categories();
  e.set_municipality(a.municipality());
  e.set_address(a.address());
  if (a.has_location()) *e.mutable_location() = a.location();
  e.set_start(model::TokyoDateTime(o.date, o.opens));
  if (!o.closes.empty() && !o.opens.empty()) e.set_end(model::TokyoDateTime(o.date, o.closes));
  e.set_note(o.note);
  return e;
}

bool StartsBefore(const v1::Event& a, const v1::Event& b) {
  if (a.start() != b.start()) return a.start() < b.start();
  if (a.title() != b.title()) return a.title() < b.title();
  return a.activity_id() < b.activity_id();
}

}  // namespace

StatusOr<v1::EventsResponse> Searcher::Events(const v1::EventsRequest& req) {
  Status valid = ValidateEvents(req, options_.max_page_size);
  if (!valid.ok()) return valid;
  return WithRetries([&] { return EventsOnce(req); });
}

StatusOr<v1::EventsResponse> Searcher::EventsOnce(const v1::EventsRequest& req) {
  const CivilDate from = *ParseCivilDate(req.from());
  const CivilDate to = *ParseCivilDate(req.to());
  const size_t limit = req.limit() > 0 ? req.limit() : limits::kDefaultEvents;
  Lease lease = Acquire();
  try {
    Xapian::Database& db = lease.db();
    db.reopen();
    MatchEvaluator evaluator(db, posting_cache_);
    const v1::SearchRequest& filters_req = req.filters();
    v1::SearchResponse scratch;
    BuiltQuery built = builder_.Build(QueryText(filters_req, scratch.mutable_interpretation()), filters_req.literal(),
                                      [&](const std::string& name) { return MunicipalityNamed(evaluator, name); });
    SearchFilters filters = FiltersOf(filters_req);
    const QueryNode* used = nullptr;
    DocSet passing = MatchWithFallbacks(evaluator, built, filters, &scratch, &used);

    // Day by day, so a busy range stops at the limit: each day's candidates come from the
    // occurrence terms, the sessions from the schedules; a listing is read once.
    std::unordered_map<Xapian::docid, index::v1::StoredActivity> read;
    v1::EventsResponse resp;
    for (CivilDate day = from; day <= to && !resp.truncated(); day = AddDays(day, 1)) {
      DocSet on_day = evaluator.AnyTerm(OccurrenceTermsOn(day));
      on_day.IntersectWith(passing);
      std::vector<v1::Event> day_events;
      on_day.ForEach([&](Xapian::docid id) {
        auto [it, fresh] = read.try_emplace(id);
        if (fresh && !it->second.ParseFromString(db.get_document(id).get_data())) return;
        for (const model::Occurrence& o : model::OccurrencesBetween(it->second.schedules(), day, day))
          day_events.push_back(EventOf(it->second.result(), o));
      });
      std::sort(day_events.begin(), day_events.end(), StartsBefore);
      for (auto& e : day_events) {
        if (static_cast<size_t>(resp.events_size()) == limit) {
          resp.set_truncated(true);
          break;
        }
        *resp.add_events() = std::move(e);
      }
    }
    return resp;
  } catch (const Xapian::Error&) {
    return CurrentReadError("events");
  }
}

StatusOr<v1::ActivityDetail> Searcher::GetActivity(const v1::GetActivityRequest& req) {
  if (req.activity_id().empty() || req.activity_id().size() > limits::kMaxIdBytes)
    return InvalidArgument("activity_id is required", "activity_id");
  if (!req.today().empty() && !ParseCivilDate(req.today()))
    return InvalidArgument("today must be a real date YYYY-MM-DD", "today");
  if (req.upcoming_days() < 0 || req.upcoming_days() > limits::kMaxEventDays)
    return InvalidArgument("upcoming_days must be 0.." + std::to_string(limits::kMaxEventDays), "upcoming_days");
  return WithRetries([&] { return GetActivityOnce(req); });
}

StatusOr<v1::ActivityDetail> Searcher::GetActivityOnce(const v1::GetActivityRequest& req) {
  const CivilDate today = *ParseCivilDate(req.today().empty() ? options_.clock->TokyoToday() : req.today());
  const int days = req.upcoming_days() > 0 ? req.upcoming_days() : limits::kDefaultUpcomingDays;
  Lease lease = Acquire();
  try {
    Xapian::Database& db = lease.db();
    db.reopen();
    const std::string id_term = kTermActivityId + req.activity_id();
    Xapian::PostingIterator it = db.postlist_begin(id_term);
    if (it == db.postlist_end(id_term)) return NotFound("no published activity " + req.activity_id());
    index::v1::StoredActivity stored;
    if (!stored.ParseFromString(db.get_document(*it).get_data()))
      return Status(StatusCode::kInternal, "stored activity does not parse");
    v1::ActivityDetail detail;
    *detail.mutable_result() = stored.result();
    detail.mutable_result()->set_next_occurrence(model::NextOccurrence(stored.schedules(), today));
    detail.set_description(stored.description());
    *detail.mutable_schedules() = stored.schedules();
    for (const model::Occurrence& o : model::OccurrencesBetween(stored.schedules(), today, AddDays(today, days - 1)))
      *detail.add_upcoming() = EventOf(stored.result(), o);
    return detail;
  } catch (const Xapian::Error&) {
    return CurrentReadError("get activity");
  }
}

}  // namespace ibasho::search
