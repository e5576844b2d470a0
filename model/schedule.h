// When an activity's schedules have sessions, in Asia/Tokyo civil dates (common/civil_date.h).
#ifndef IBASHO_MODEL_SCHEDULE_H_
#define IBASHO_MODEL_SCHEDULE_H_

#include <google/protobuf/repeated_field.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

using Schedules = google::protobuf::RepeatedPtrField<registry::v1::Schedule>;

// True when the schedule has a session on date (respecting valid_from / valid_to).
bool OccursOn(const registry::v1::Schedule& schedule, const CivilDate& date);

// The first session on or after from, within horizon_days: "YYYY-MM-DDTHH:MM+09:00" when the
// schedule has an opening time, "YYYY-MM-DD" otherwise; "" when there is none.
std::string NextOccurrence(const Schedules& schedules, const CivilDate& from, int horizon_days = 400);

// One session of an activity.
struct Occurrence {
  CivilDate date;
  std::string opens;   // "HH:MM" (zero-padded), or "" when unknown
  std::string closes;  // "HH:MM", or ""
  std::string note;    // the schedule's note
};

// Every session from first to last (inclusive), by date then opening time; two schedules with a
// session at the same date and time give one. Schedules with weeks_unknown give none.
std::vector<Occurrence> OccurrencesBetween(const Schedules& schedules, const CivilDate& first, const CivilDate& last);

// "YYYY-MM-DDTHH:MM+09:00" for a date and a time, "YYYY-MM-DD" when hhmm is empty.
std::string TokyoDateTime(const CivilDate& date, const std::string& hhmm);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_SCHEDULE_H_
