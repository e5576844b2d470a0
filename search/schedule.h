// Calendar logic for activity schedules, in Asia/Tokyo civil dates (no time zone arithmetic is
// needed: Japan has no daylight saving time).
#ifndef IBASHO_SEARCH_SCHEDULE_H_
#define IBASHO_SEARCH_SCHEDULE_H_

#include <google/protobuf/repeated_field.h>

#include <optional>
#include <string>
#include <string_view>

#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::search {

struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const CivilDate&) const = default;
};

// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date (2026-02-29).
std::optional<CivilDate> ParseCivilDate(std::string_view s);
std::string FormatCivilDate(const CivilDate& d);
CivilDate AddDays(const CivilDate& d, int days);
// 0 = Monday … 6 = Sunday.
int DayOfWeek(const CivilDate& d);
int DaysInMonth(int year, int month);

using Schedules = google::protobuf::RepeatedPtrField<registry::v1::Schedule>;

// True when the schedule has a session on date (respecting valid_from / valid_to).
bool OccursOn(const registry::v1::Schedule& schedule, const CivilDate& date);

// The first session on or after from, within horizon_days: "YYYY-MM-DDTHH:MM+09:00" when the
// schedule has an opening time, "YYYY-MM-DD" otherwise; "" when there is none.
std::string NextOccurrence(const Schedules& schedules, const CivilDate& from, int horizon_days = 400);

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_SCHEDULE_H_
