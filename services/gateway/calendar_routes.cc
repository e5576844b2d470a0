// The calendar side of the public API: sessions expanded from schedules (GET /v1/events), the same
// as iCalendar feeds, and one activity's public page data (GET /v1/activities/{id}).
#include <nlohmann/json.hpp>

#include "common/civil_date.h"
#include "common/clock.h"
#include "common/limits.h"
#include "model/icalendar.h"
#include "model/json_mapping.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

using nlohmann::json;

namespace {

constexpr int kEventsMaxAge = 60;
constexpr int kCalendarMaxAge = 600;

// from and to of an events request: from defaults to today in Tokyo, to to default_days later.
Status RangeOf(const HttpRequest& req, int default_days, search::v1::EventsRequest* er) {
  std::string from = req.Param("from", TokyoToday());
  auto first = ParseCivilDate(from);
  if (!first) return InvalidArgument("from must be a real date YYYY-MM-DD", "from");
  std::string to = req.Param("to", FormatCivilDate(AddDays(*first, default_days - 1)));
  if (!ParseCivilDate(to)) return InvalidArgument("to must be a real date YYYY-MM-DD", "to");
  er->set_from(from);
  er->set_to(to);
  return Status::Ok();
}

// "2026-12-05T10:00+09:00" → date 2026-12-05, time "10:00"; a date alone → no time.
void SplitTokyoDateTime(const std::string& when, CivilDate* date, std::string* hhmm) {
  if (auto d = ParseCivilDate(when.substr(0, 10))) *date = *d;
  *hhmm = when.size() >= 16 ? when.substr(11, 5) : "";
}

model::CalendarEvent CalendarEventOf(const search::v1::Event& e, const std::string& public_url) {
  model::CalendarEvent c;
  c.activity_id = e.activity_id();
  c.summary =
      e.title() == e.group_name() || e.group_name().empty() ? e.title() : e.title() + "（" + e.group_name() + "）";
  SplitTokyoDateTime(e.start(), &c.date, &c.opens);
  CivilDate end_date;
  if (!e.end().empty()) SplitTokyoDateTime(e.end(), &end_date, &c.closes);
  c.location = e.address().empty() ? e.municipality() : e.address();
  c.url = public_url + "/a/" + e.activity_id();
  c.description = e.group_name();
  if (!e.note().empty()) c.description += "\n" + e.note();
  c.description += "\n" + c.url;
  if (e.has_location()) {
    c.has_geo = true;
    c.lat = e.location().lat();
    c.lon = e.location().lon();
  }
  return c;
}

// "2026-11-26T07:30:15.123Z" → "20261126T073015Z".
std::string IcalUtcNow() {
  std::string t = NowRfc3339();
  return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) + t.substr(14, 2) + t.substr(17, 2) +
         "Z";
}

HttpResponse Calendar(const google::protobuf::RepeatedPtrField<search::v1::Event>& events, const std::string& name,
                      const std::string& public_url) {
  std::vector<model::CalendarEvent> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(CalendarEventOf(e, public_url));
  model::CalendarOptions options;
  options.name = name;
  options.dtstamp = IcalUtcNow();
  HttpResponse r;
  r.body = model::RenderICalendar(out, options);
  r.content_type = "text/calendar; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"ibasho.ics\"");
  return SharedForSeconds(std::move(r), kCalendarMaxAge);
}

}  // namespace

std::optional<HttpResponse> Gateway::FetchEvents(const HttpRequest& req, int default_days,
                                                 search::v1::EventsResponse* resp) {
  StatusOr<search::v1::SearchRequest> filters = SearchRequestOf(req);
  if (!filters.ok()) return BadRequest(filters.status());
  search::v1::EventsRequest er;
  *er.mutable_filters() = *filters;
  if (Status st = RangeOf(req, default_days, &er); !st.ok()) return BadRequest(st);
  int limit = 0;
  if (Status st = IntParam(req, "limit", 1, limits::kMaxEvents, &limit); !st.ok()) return BadRequest(st);
  er.set_limit(limit);
  grpc::Status s = search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
    resp->Clear();
    return stub.Events(ctx, er, resp);
  });
  if (!s.ok()) return FromGrpc(s);
  return std::nullopt;
}

HttpResponse Gateway::Events(const HttpRequest& req) {
  search::v1::EventsResponse resp;
  if (auto failed = FetchEvents(req, limits::kDefaultEventDays, &resp)) return *failed;
  return SharedForSeconds(Json(200, ToJson(resp, true)), kEventsMaxAge);
}

HttpResponse Gateway::CalendarIcs(const HttpRequest& req) {
  search::v1::EventsResponse resp;
  if (auto failed = FetchEvents(req, limits::kDefaultUpcomingDays, &resp)) return *failed;
  return Calendar(resp.events(), "ibasho イベントカレンダー", options_.public_url);
}

grpc::Status Gateway::FetchActivity(const std::string& id, search::v1::ActivityDetail* detail) {
  search::v1::GetActivityRequest ar;
  ar.set_activity_id(id);
  return search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
    detail->Clear();
    return stub.GetActivity(ctx, ar, detail);
  });
}

HttpResponse Gateway::GetActivity(const std::string& id) {
  search::v1::ActivityDetail detail;
  grpc::Status s = FetchActivity(id, &detail);
  if (!s.ok()) return FromGrpc(s);
  // The result's fields at the top level, with the description, schedules and upcoming sessions.
  json all = json::parse(ToJson(detail, true));
  json out = std::move(all["result"]);
  out.erase("snippet");
  out.erase("distance_m");
  for (const char* field : {"description", "schedules", "upcoming"}) out[field] = std::move(all[field]);
  out["url"] = options_.public_url + "/a/" + id;
  return SharedForSeconds(Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace)), kEventsMaxAge);
}

HttpResponse Gateway::ActivityCalendarIcs(const std::string& id) {
  search::v1::ActivityDetail detail;
  grpc::Status s = FetchActivity(id, &detail);
  if (!s.ok()) return FromGrpc(s);
  return Calendar(detail.upcoming(), detail.result().title(), options_.public_url);
}

}  // namespace ibasho::gateway
