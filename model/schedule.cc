#include "model/schedule.h"

#include "common/weekday.h"

namespace ibasho::model {

bool OccursOn(const registry::v1::Schedule& s, const CivilDate& date) {
  if (s.weeks_unknown()) return false;
  std::string ymd = FormatCivilDate(date);
  if (!s.valid_from().empty() && ymd < s.valid_from()) return false;
  if (!s.valid_to().empty() && ymd > s.valid_to()) return false;
  for (const auto& d : s.dates())
    if (d == ymd) return true;
  int wd = DayOfWeek(date);
  bool weekday_match = false;
  for (const auto& code : s.byday()) weekday_match |= (WeekdayIndex(code) == wd);
  if (!weekday_match) return false;
  if (s.nth_size() == 0) return true;
  int nth = (date.day - 1) / 7 + 1;
  bool last = date.day + 7 > DaysInMonth(date.year, date.month);
  for (int n : s.nth())
    if (n == nth || (n == -1 && last)) return true;
  return false;
}

std::string NextOccurrence(const Schedules& schedules, const CivilDate& from, int horizon_days) {
  for (int i = 0; i <= horizon_days; ++i) {
    CivilDate day = AddDays(from, i);
    const registry::v1::Schedule* earliest = nullptr;
    for (const auto& s : schedules) {
      if (!OccursOn(s, day)) continue;
      if (!earliest || (!s.opens().empty() && (earliest->opens().empty() || s.opens() < earliest->opens())))
        earliest = &s;
    }
    if (earliest) {
      std::string out = FormatCivilDate(day);
      if (!earliest->opens().empty()) {
        std::string hhmm = earliest->opens();
        if (hhmm.size() == 4) hhmm = "0" + hhmm;
        out += "T" + hhmm + "+09:00";
      }
      return out;
    }
  }
  return "";
}

}  // namespace ibasho::model
